-- purpose: each driver's team of a season, the one they started most races for (the
--          latest of equals), so a season chart draws the driver in that team's colour
-- grain: one row per driver entered in the season
-- depends on: silver.race_results
with entries as (
    select driver_id, constructor_id, count(*) as races, max(round) as last_round
    from silver.race_results
    where season = :season and driver_id is not null
    group by driver_id, constructor_id
),

ranked as (
    select
        driver_id,
        constructor_id,
        row_number() over (
            partition by driver_id order by races desc, last_round desc, constructor_id
        ) as n
    from entries
)

select driver_id, constructor_id
from ranked
where n = 1
order by driver_id
