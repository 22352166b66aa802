-- purpose: the race's starting grid as F1DB records it (penalties applied; 0 = pit lane),
--   for a race whose grid is set but which has no result yet.
-- grain: one row per (season, round, driver_id).
-- depends on: silver.starting_grids
with grids as (select * from silver.starting_grids where session = 'race'),

final as (
    select
        season,
        round,
        driver_id,
        constructor_id,
        case when is_pit_lane then 0 else grid_position end as grid
    from grids
    where driver_id is not null
)

select * from final
order by season, round, grid
