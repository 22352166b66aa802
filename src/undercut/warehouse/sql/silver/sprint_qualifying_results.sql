-- purpose: one row per driver per sprint qualifying (shoot-out): Q1-Q3 times and place.
-- grain: (season, round, driver_id). Rows come from `undercut ingest f1db`; the archive has
-- none, so an ingest creates the table empty with these typed columns.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as driver_id,
    null::varchar as constructor_id,
    null::integer as car_number,
    null::integer as position,
    null::integer as q1_ms,
    null::integer as q2_ms,
    null::integer as q3_ms,
    null::integer as laps
where false
