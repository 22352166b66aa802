-- purpose: silver.session_pits from OpenF1 pit: pit-lane time (pit_duration, or lane_duration in
--          newer payloads) and stationary time where published; duplicates keep the first record.
-- grain: session_key, driver_number, lap.
-- depends on: openf1.pit, silver.sessions, silver.session_drivers
with pits as (
    select * from openf1.pit
    qualify row_number() over (
        partition by session_key, driver_number, lap_number order by _file, _row
    ) = 1
),

final as (
    select
        s.season,
        s.round,
        p.session_key::integer as session_key,
        d.driver_id,
        p.driver_number::integer as driver_number,
        p.lap_number::integer as lap,
        p.date as pit_at,
        round(1000 * coalesce(p.pit_duration, p.lane_duration))::integer as pit_lane_ms,
        round(1000 * p.stop_duration)::integer as stop_ms
    from pits as p
    left join silver.sessions as s on s.session_key = p.session_key
    left join silver.session_drivers as d
        on d.session_key = p.session_key and d.driver_number = p.driver_number
)

select * from final
