-- purpose: telemetry aggregates per driver-lap of one session, read in place from the
--          silver car_data partitions: top speed, time at full throttle (share of the lap,
--          throttle >= 98 %), braking events (brake off → on), DRS activations (flap
--          closed → open, drs >= 10) and time open, gear shifts, distance integrated from
--          speed, plus the lap's window and speed traps (so a lap is found on the lake
--          alone, without the warehouse).
-- grain: driver_id, lap.
-- depends on: silver/telemetry/car_data/season=/round=/session=/driver=/data.parquet,
--   the session's laps (session_laps.sql, registered as `laps`)
with samples as (
    select
        driver as driver_id,
        date,
        speed_kph,
        throttle_pct,
        brake_pct,
        drs,
        gear,
        least(
            epoch(lead(date) over (partition by driver order by date) - date),
            1.0
        ) as dt_s,
        lag(brake_pct) over (partition by driver order by date) as previous_brake,
        lag(drs) over (partition by driver order by date) as previous_drs,
        lag(gear) over (partition by driver order by date) as previous_gear
    from read_parquet(:files, hive_partitioning = true)
),

in_laps as (
    select
        l.driver_id,
        l.lap,
        s.*
    from laps as l
    inner join samples as s
        on s.driver_id = l.driver_id
        and s.date >= l.lap_started_at
        and s.date < l.lap_ended_at
),

final as (
    select
        l.driver_id,
        l.code,
        l.lap,
        l.lap_started_at,
        l.lap_ended_at,
        l.lap_time_ms,
        l.is_pit_in_lap,
        l.is_pit_out_lap,
        l.i1_speed_kph,
        l.i2_speed_kph,
        l.st_speed_kph,
        count(s.date)::integer as samples,
        round(sum(s.speed_kph / 3.6 * s.dt_s), 1) as distance_m,
        max(s.speed_kph)::integer as top_speed_kph,
        round(
            100 * sum(s.dt_s) filter (where s.throttle_pct >= 98) / nullif(sum(s.dt_s), 0), 1
        ) as full_throttle_pct,
        count(*) filter (where s.brake_pct > 0 and coalesce(s.previous_brake, 0) = 0)::integer
            as braking_events,
        count(*) filter (where s.drs >= 10 and coalesce(s.previous_drs, 0) < 10)::integer
            as drs_activations,
        round(coalesce(sum(s.dt_s) filter (where s.drs >= 10), 0), 1) as drs_open_s,
        count(*) filter (
            where s.gear > 0 and s.previous_gear > 0 and s.gear != s.previous_gear
        )::integer as gear_shifts
    from laps as l
    left join in_laps as s on s.driver_id = l.driver_id and s.lap = l.lap
    group by
        l.driver_id, l.code, l.lap, l.lap_started_at, l.lap_ended_at, l.lap_time_ms,
        l.is_pit_in_lap, l.is_pit_out_lap,
        l.i1_speed_kph, l.i2_speed_kph, l.st_speed_kph
)

select * from final
where samples > 0
order by driver_id, lap
