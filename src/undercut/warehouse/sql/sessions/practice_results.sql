-- purpose: OpenF1 practice classifications and long-run pace as silver.practice_results
--   rows (source 'openf1').
-- grain: (season, round, session, driver_id).
-- best_lap_ms is the classification's best time, gap_ms its difference to the session's
-- best. A long run is a stint of at least 5 clean laps: no pit-out or pit-in lap, green
-- track (or no race control data), dry tyres, within 107% of the driver's best lap of the
-- session. Each clean lap is corrected to the stint's first lap's fuel load (+60 ms for
-- every lap run since), to a new tyre (-40 ms for every lap of tyre age) and to the
-- medium compound (soft +600 ms, hard -400 ms); long_run_ms is the median corrected lap.
-- depends on: openf1.session_result, silver.sessions, silver.session_drivers,
--   silver.session_laps
with results as (
    select * from openf1.session_result
    qualify row_number() over (partition by session_key, driver_number order by _file, _row) = 1
),

sessions as (
    select
        session_key,
        season,
        round,
        case lower(session_name)
            when 'practice 1' then 'fp1'
            when 'practice 2' then 'fp2'
            when 'practice 3' then 'fp3'
        end as session
    from silver.sessions
    where round is not null
),

practice as (select * from sessions where session is not null),

drivers as (
    select session_key, driver_number, driver_id
    from silver.session_drivers
    where driver_id is not null
),

compound_offsets (compound, offset_ms) as (
    values ('SOFT', -600), ('MEDIUM', 0), ('HARD', 400)
),

laps as (
    select
        l.session_key,
        l.driver_id,
        l.stint_number,
        l.lap,
        l.lap_time_ms,
        l.tyre_age_laps,
        o.offset_ms
    from silver.session_laps as l
    inner join practice as p on p.session_key = l.session_key
    inner join compound_offsets as o on o.compound = upper(l.compound)
    where l.lap_time_ms is not null
        and l.driver_id is not null
        and l.stint_number is not null
        and not coalesce(l.is_pit_out_lap, false)
        and not coalesce(l.is_pit_in_lap, false)
        and coalesce(l.track_status, 'green') = 'green'
),

clean as (
    select *
    from laps
    qualify lap_time_ms <= 1.07 * min(lap_time_ms) over (partition by session_key, driver_id)
),

long_stints as (
    select session_key, driver_id, stint_number
    from clean
    group by session_key, driver_id, stint_number
    having count(*) >= 5
),

corrected as (
    select
        c.session_key,
        c.driver_id,
        c.lap_time_ms
        + 60 * (c.lap - min(c.lap) over (partition by c.session_key, c.driver_id, c.stint_number))
        - 40 * coalesce(c.tyre_age_laps, 0)
        - c.offset_ms as corrected_ms
    from clean as c
    inner join long_stints as s
        on s.session_key = c.session_key
        and s.driver_id = c.driver_id
        and s.stint_number = c.stint_number
),

long_runs as (
    select session_key, driver_id, median(corrected_ms) as long_run_ms, count(*) as laps
    from corrected
    group by session_key, driver_id
),

classified as (
    select
        p.season,
        p.round,
        p.session,
        p.session_key,
        d.driver_id,
        r.driver_number,
        r.position,
        round(r.duration * 1000)::integer as best_lap_ms,
        r.number_of_laps
    from results as r
    inner join practice as p on p.session_key = r.session_key
    inner join drivers as d
        on d.session_key = r.session_key and d.driver_number = r.driver_number
),

final as (
    select
        'openf1' as source,
        c.season::integer as season,
        c.round::integer as round,
        c.session,
        c.driver_id,
        null::varchar as constructor_id,
        c.driver_number::integer as car_number,
        c.position::integer as position,
        c.best_lap_ms,
        (c.best_lap_ms - min(c.best_lap_ms) over (partition by c.session_key))::integer as gap_ms,
        c.number_of_laps::integer as laps,
        round(lr.long_run_ms)::integer as long_run_ms,
        lr.laps::integer as long_run_laps
    from classified as c
    left join long_runs as lr on lr.session_key = c.session_key and lr.driver_id = c.driver_id
    qualify row_number() over (
        partition by c.season, c.round, c.session, c.driver_id order by c.position
    ) = 1
)

select * from final
