-- purpose: who drove which car number in an OpenF1 session, mapped onto
--          warehouse drivers (driver_id null when no unambiguous match; match_rule says how).
-- grain: session_key, driver_number. Rows come from `undercut sessions pull`.
-- depends on: (none)
select
    null::integer as session_key,
    null::integer as season,
    null::integer as round,
    null::integer as driver_number,
    null::varchar as driver_id,
    null::varchar as match_rule,
    null::varchar as name_acronym,
    null::varchar as full_name,
    null::varchar as team_name
where false
