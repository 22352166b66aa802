-- purpose: one row per pit-lane passage in an OpenF1 session (lap = in-lap).
-- grain: session_key, driver_number, lap. Rows come from `undercut sessions pull`.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::varchar as driver_id,
    null::integer as driver_number,
    null::integer as lap,
    null::timestamp as pit_at,
    null::integer as pit_lane_ms,
    null::integer as stop_ms
where false
