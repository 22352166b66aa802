-- purpose: OpenF1 sprint qualifying (sprint shoot-out) classifications as
--   silver.sprint_qualifying_results rows (source 'openf1').
-- grain: (season, round, driver_id). OpenF1 gives the best time of each part; the best
-- of them is best_lap_ms (the parts are not split out).
-- depends on: openf1.session_result, silver.sessions, silver.session_drivers
with results as (
    select * from openf1.session_result
    qualify row_number() over (partition by session_key, driver_number order by _file, _row) = 1
),

sessions as (
    select session_key, season, round
    from silver.sessions
    where round is not null
        and lower(session_name) in ('sprint qualifying', 'sprint shootout')
),

drivers as (
    select session_key, driver_number, driver_id
    from silver.session_drivers
    where driver_id is not null
),

final as (
    select
        'openf1' as source,
        s.season::integer as season,
        s.round::integer as round,
        d.driver_id,
        null::varchar as constructor_id,
        r.driver_number::integer as car_number,
        r.position::integer as position,
        null::integer as q1_ms,
        null::integer as q2_ms,
        null::integer as q3_ms,
        round(r.duration * 1000)::integer as best_lap_ms,
        r.number_of_laps::integer as laps
    from results as r
    inner join sessions as s on s.session_key = r.session_key
    inner join drivers as d
        on d.session_key = r.session_key and d.driver_number = r.driver_number
    qualify row_number() over (partition by s.season, s.round, d.driver_id order by r.position) = 1
)

select * from final
