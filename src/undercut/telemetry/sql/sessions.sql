-- purpose: the OpenF1 sessions of one round (all, or those named by one --session code),
--          with their time span, for telemetry pulls and lap lookups.
-- grain: session_key.
-- depends on: silver.sessions
select
    session_key,
    season,
    round,
    session_name,
    started_at,
    coalesce(ended_at, started_at + interval 3 hour) as ended_at
from silver.sessions
where season = :season and round = :round
order by started_at
