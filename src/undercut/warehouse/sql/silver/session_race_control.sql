-- purpose: race control messages (flags, safety cars) of a session.
-- grain: one row per message. Rows come from `undercut sessions pull`.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::timestamp as message_at,
    null::integer as lap,
    null::varchar as category,
    null::varchar as flag,
    null::varchar as scope,
    null::integer as sector,
    null::integer as driver_number,
    null::varchar as driver_id,
    null::varchar as message
where false
