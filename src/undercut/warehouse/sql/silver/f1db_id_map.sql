-- purpose: how each F1DB id maps to the warehouse's Ergast ref, with the evidence.
-- grain: one row per (kind, f1db_id); kind is driver, constructor, circuit or race.
-- Rows come from `undercut ingest f1db` (warehouse/sql/f1db/); the archive has none, so an
-- ingest creates the table empty with these typed columns. An unmatched id has a null
-- ergast_id and is reported as a warning.
-- depends on: (none)
select
    null::varchar as kind,
    null::varchar as f1db_id,
    null::varchar as ergast_id,
    null::varchar as method,
    null::varchar as evidence,
    null::boolean as is_matched
where false
