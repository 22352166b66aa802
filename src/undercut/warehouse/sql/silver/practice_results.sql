-- purpose: one row per driver per free-practice session: best lap, gap, laps, place.
-- grain: (source, season, round, session, driver_id); source is 'f1db' or 'openf1',
-- session fp1 .. fp4; driver_id is null for a Friday test driver who never started a race
-- (his row says how fast the car was). long_run_ms is the median fuel- and tyre-corrected lap of the
-- driver's long runs (stints of at least 5 clean laps; OpenF1 laps only). Rows come from `undercut ingest f1db` and the OpenF1 session pull;
-- the archive has none, so an ingest creates the table empty with these typed columns.
-- depends on: (none)
select
    null::varchar as source,
    null::integer as season,
    null::integer as round,
    null::varchar as session,
    null::varchar as driver_id,
    null::varchar as constructor_id,
    null::integer as car_number,
    null::integer as position,
    null::integer as best_lap_ms,
    null::integer as gap_ms,
    null::integer as laps,
    null::integer as long_run_ms,
    null::integer as long_run_laps
where false
