-- purpose: one driver's Elo rating after each race
-- grain: one row per race the driver was rated in
-- depends on: gold.driver_elo_history
select season, round, race_date, rating_after as rating, rating_change
from gold.driver_elo_history
where driver_id = :id
order by season, round
