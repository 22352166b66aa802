-- purpose: one row per driver per lap of an OpenF1 session, with sectors,
--          pit in/out flags, tyre compound and age (from stints) and track status (the worst of
--          green | vsc | sc | red during the lap, from race control; null when unknown).
-- grain: session_key, driver_number, lap. Rows come from `undercut sessions pull`.
-- Ergast-source lap times (archive, API) live in silver.lap_times.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::varchar as session_name,
    null::varchar as driver_id,
    null::integer as driver_number,
    null::integer as lap,
    null::timestamp as lap_started_at,
    null::integer as lap_time_ms,
    null::integer as sector_1_ms,
    null::integer as sector_2_ms,
    null::integer as sector_3_ms,
    null::integer as i1_speed_kph,
    null::integer as i2_speed_kph,
    null::integer as st_speed_kph,
    null::boolean as is_pit_out_lap,
    null::boolean as is_pit_in_lap,
    null::integer as stint_number,
    null::varchar as compound,
    null::integer as tyre_age_laps,
    null::varchar as track_status,
    null::varchar as source
where false
