-- purpose: one row per tyre stint (continuous run on one set) in an OpenF1 session.
-- grain: session_key, driver_number, stint_number. Rows come from `undercut sessions pull`.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::varchar as driver_id,
    null::integer as driver_number,
    null::integer as stint_number,
    null::integer as lap_start,
    null::integer as lap_end,
    null::integer as laps,
    null::varchar as compound,
    null::integer as tyre_age_at_start
where false
