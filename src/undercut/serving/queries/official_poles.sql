-- purpose: the pole sitter of every race as awarded: qualifying P1 where qualifying is
--          recorded, else the car on grid slot 1 (the only record before qualifying data)
-- grain: one row per race (season, round)
-- depends on: silver.qualifying, silver.race_results
with quali_poles as (
    select season, round, driver_id, constructor_id
    from silver.qualifying
    where position = 1
),

grid_poles as (
    select season, round, driver_id, constructor_id
    from silver.race_results as res
    where grid = 1
        and not exists (
            select 1 from silver.qualifying as q
            where q.season = res.season and q.round = res.round
        )
),

final as (
    select season, round, driver_id, constructor_id from quali_poles
    union all
    select season, round, driver_id, constructor_id from grid_poles
)

select * from final
