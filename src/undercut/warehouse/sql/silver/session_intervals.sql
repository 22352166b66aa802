-- purpose: gaps to the leader and to the car ahead during a race (OpenF1
--          intervals endpoint), pulled with `undercut sessions pull --with-timing`. A lapped car
--          has null gaps in ms and laps_behind set (from "+1 LAP").
-- grain: session_key, driver_number, recorded_at.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::varchar as driver_id,
    null::integer as driver_number,
    null::timestamp as recorded_at,
    null::integer as gap_to_leader_ms,
    null::integer as interval_ms,
    null::integer as laps_behind
where false
