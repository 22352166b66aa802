-- purpose: every driver's points total after each round of a season (a points chart), as
--          /api/v1/standings/{season}/drivers gives it after that round
-- grain: one row per driver and round
-- depends on: gold.driver_standings
select driver_id, round, points
from gold.driver_standings
where season = :season
order by driver_id, round
