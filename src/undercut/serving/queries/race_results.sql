-- purpose: the classification of one race
-- grain: one row per car entered
-- depends on: silver.race_results
select position, position_text, position_order, driver_id, constructor_id, grid, points,
       laps, status, time_text
from silver.race_results
where season = :season and round = :round
order by position_order
