-- purpose: the constructors' championship after one round
-- grain: one row per constructor classified in the standings
-- depends on: silver.constructor_standings
select position, constructor_id, points, wins
from silver.constructor_standings
where season = :season and round = :round
order by position, constructor_id
