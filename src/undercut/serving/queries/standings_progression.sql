-- purpose: every driver's points total after each round of a season (a points chart)
-- grain: one row per driver and round
-- depends on: silver.driver_standings
select driver_id, round, points
from silver.driver_standings
where season = :season
order by driver_id, round
