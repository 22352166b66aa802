-- purpose: one row per driver per sprint qualifying (shoot-out): Q1-Q3 times, best, place.
-- grain: (source, season, round, driver_id); source is 'f1db' or 'openf1'. Rows come from
-- `undercut ingest f1db` and the OpenF1 session pull; an archive ingest creates the table empty.
-- depends on: (none)
select
    null::varchar as source,
    null::integer as season,
    null::integer as round,
    null::varchar as driver_id,
    null::varchar as constructor_id,
    null::integer as car_number,
    null::integer as position,
    null::integer as q1_ms,
    null::integer as q2_ms,
    null::integer as q3_ms,
    null::integer as best_lap_ms,
    null::integer as laps
where false
