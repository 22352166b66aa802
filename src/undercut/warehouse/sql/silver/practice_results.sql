-- purpose: one row per driver per free-practice session: best lap, gap, laps, place.
-- grain: (source, season, round, session, driver_id); source is 'f1db' or 'openf1',
-- session fp1 .. fp4. Rows come from `undercut ingest f1db` and the OpenF1 session pull;
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
    null::integer as laps
where false
