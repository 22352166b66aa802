-- purpose: the fans' driver of the day vote of each race, by share of the vote.
-- grain: (season, round, driver_id). Rows come from `undercut ingest f1db`; an archive
-- ingest creates the table empty with these typed columns.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as driver_id,
    null::varchar as constructor_id,
    null::integer as position,
    null::double as vote_percentage
where false
