-- purpose: the rounds that have OpenF1 sessions from the first telemetry season on
--          (optionally one season): what `update --telemetry` looks at.
-- grain: season, round.
-- depends on: silver.sessions
select distinct season, round
from silver.sessions
where round is not null and season >= :first_season and (:season is null or season = :season)
order by season, round
