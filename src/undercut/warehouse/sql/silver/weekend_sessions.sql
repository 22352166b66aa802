-- purpose: when each session of a race weekend starts (UTC), from F1DB's schedule.
-- grain: (season, round, session); session is fp1 .. fp4, sprint-qualifying, sprint,
-- qualifying or race. starts_at is null when F1DB has the date but no time. Rows come from
-- `undercut ingest f1db`; an archive ingest creates the table empty.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as session,
    null::date as session_date,
    null::timestamp as starts_at
where false
