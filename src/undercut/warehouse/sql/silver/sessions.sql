-- purpose: one row per OpenF1 session (practice, qualifying, sprint, race), 2023 on.
-- grain: session_key. Rows come from `undercut sessions pull` (warehouse/sql/sessions/);
-- the archive has none, so an ingest creates the table empty with these typed columns.
-- depends on: (none)
select
    null::integer as session_key,
    null::integer as meeting_key,
    null::integer as season,
    null::integer as round,
    null::varchar as circuit_id,
    null::varchar as meeting_name,
    null::varchar as session_name,
    null::varchar as session_type,
    null::varchar as location,
    null::varchar as country_name,
    null::varchar as circuit_short_name,
    null::timestamp as started_at,
    null::timestamp as ended_at,
    null::varchar as gmt_offset,
    null::boolean as is_circuit_matched
where false
