-- purpose: each constructor's newest Elo rating, with the season it dates from
-- grain: one row per rated constructor
-- depends on: gold.constructor_elo_history
with ranked as (
    select
        constructor_id, season, round, race_date, rating_after,
        row_number() over (partition by constructor_id order by season desc, round desc)
            as recency,
        max(rating_after) over (partition by constructor_id) as peak,
        count(*) over (partition by constructor_id) as races
    from gold.constructor_elo_history
)

select constructor_id as id, season, round, race_date, rating_after as rating, peak, races
from ranked
where recency = 1
