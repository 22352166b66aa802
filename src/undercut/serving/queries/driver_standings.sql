-- purpose: the drivers' championship after one round (the newest round when :round is
--          the season's last standings round), as recomputed in gold (the one definition
--          that careers and seasons also read)
-- grain: one row per driver classified in the standings
-- depends on: gold.driver_standings
select position, driver_id, points, wins
from gold.driver_standings
where season = :season and round = :round
order by position, driver_id
