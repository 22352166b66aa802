-- purpose: the winner of every Grand Prix held at one circuit
-- grain: one row per race (shared drives: one row per winning driver)
-- depends on: gold.race_starts
select season, round, driver_id, constructor_id
from gold.race_starts
where circuit_id = :circuit_id and position = 1
order by season, round
