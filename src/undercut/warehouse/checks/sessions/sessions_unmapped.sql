-- severity: warning
-- table: silver.sessions
-- column: round
-- message: an OpenF1 session matches no warehouse race (no race of that season within a day)
select session_key, meeting_key, session_name, started_at as value
from silver.sessions
where round is null
order by session_key
