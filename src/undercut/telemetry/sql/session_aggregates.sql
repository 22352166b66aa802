-- purpose: telemetry aggregates per driver-session from the lap aggregates: fastest
--          lap, top speed, best speed traps, mean full-throttle share and the totals of
--          braking events, DRS activations and gear shifts over the laps with telemetry.
-- grain: driver_id.
-- depends on: lap_aggregates.sql (registered as `lap_stats`)
with final as (
    select
        driver_id,
        any_value(code) as code,
        count(*)::integer as laps,
        min(lap_time_ms) as fastest_lap_ms,
        arg_min(lap, lap_time_ms) as fastest_lap,
        max(top_speed_kph) as top_speed_kph,
        max(st_speed_kph) as st_speed_kph,
        max(i1_speed_kph) as i1_speed_kph,
        max(i2_speed_kph) as i2_speed_kph,
        round(avg(full_throttle_pct), 1) as full_throttle_pct,
        sum(braking_events)::integer as braking_events,
        sum(drs_activations)::integer as drs_activations,
        round(sum(drs_open_s), 1) as drs_open_s,
        sum(gear_shifts)::integer as gear_shifts
    from lap_stats
    group by driver_id
)

select * from final order by driver_id
