-- purpose: running position changes (OpenF1 position endpoint), pulled
--          with `undercut sessions pull --with-timing`.
-- grain: session_key, driver_number, recorded_at.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::varchar as driver_id,
    null::integer as driver_number,
    null::timestamp as recorded_at,
    null::integer as position
where false
