-- purpose: each driver's newest Elo rating, with the season it dates from
-- grain: one row per rated driver
-- depends on: gold.driver_elo_history
with ranked as (
    select
        driver_id, season, round, race_date, rating_after,
        row_number() over (partition by driver_id order by season desc, round desc)
            as recency,
        max(rating_after) over (partition by driver_id) as peak,
        count(*) over (partition by driver_id) as races
    from gold.driver_elo_history
)

select driver_id as id, season, round, race_date, rating_after as rating, peak, races
from ranked
where recency = 1
