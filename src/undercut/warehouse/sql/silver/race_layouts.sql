-- purpose: the circuit layout each race ran on: length, turns, direction, laps, formats.
-- grain: (season, round). Rows come from `undercut ingest f1db`; an archive ingest creates
-- the table empty with these typed columns.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as circuit_id,
    null::varchar as circuit_layout_id,
    null::varchar as circuit_type,
    null::varchar as direction,
    null::double as course_length_km,
    null::integer as turns,
    null::integer as laps,
    null::double as distance_km,
    null::varchar as qualifying_format,
    null::varchar as sprint_qualifying_format
where false
