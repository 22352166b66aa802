-- purpose: the sprint result of a race weekend (the sprint runs before the race).
-- grain: one row per (season, round, driver_id).
-- depends on: silver.sprint_results
with sprints as (select * from silver.sprint_results),

final as (
    select season, round, driver_id, min(position_order) as sprint_position
    from sprints
    group by season, round, driver_id
)

select * from final
order by season, round, sprint_position
