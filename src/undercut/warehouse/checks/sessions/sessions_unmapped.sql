-- severity: warning
-- table: silver.sessions
-- column: round
-- message: an OpenF1 session matches no warehouse race (no race of that season within a day)
-- Pre-season and in-season tests belong to no race and are not reported.
select session_key, meeting_key, session_name, started_at as value
from silver.sessions
where round is null
    and not coalesce(meeting_name ilike '%testing%', false)
    and not coalesce(session_name ilike 'day %', false)
order by session_key
