-- purpose: a driver's head-to-head record against each team-mate, per season and team, as
--          gold.teammate_h2h defines it (the grid stands in for qualifying before 1994; a
--          shared drive counts once).
-- grain: one row per season, constructor and team-mate
-- depends on: gold.teammate_h2h
select season, constructor_id, teammate_id, races, quali_ahead, quali_behind, race_ahead,
    race_behind
from gold.teammate_h2h
where driver_id = :driver_id
order by season, constructor_id, teammate_id
