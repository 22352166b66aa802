-- purpose: the constructors' championship after one round, as recomputed in gold
-- grain: one row per constructor classified in the standings
-- depends on: gold.constructor_standings
select position, constructor_id, points, wins
from gold.constructor_standings
where season = :season and round = :round
order by position, constructor_id
