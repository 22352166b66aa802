-- purpose: one constructor's Elo rating after each race
-- grain: one row per race the constructor was rated in
-- depends on: gold.constructor_elo_history
select season, round, race_date, rating_after as rating, rating_change
from gold.constructor_elo_history
where constructor_id = :id
order by season, round
