-- purpose: the drivers' championship after one round (the newest round when :round is
--          the season's last standings round)
-- grain: one row per driver classified in the standings
-- depends on: silver.driver_standings
select position, driver_id, points, wins
from silver.driver_standings
where season = :season and round = :round
order by position, driver_id
