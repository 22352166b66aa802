-- purpose: Ergast /sprint: sprint classifications the path's filters select (the grid, status and
--          position filters apply to the sprint itself).
-- grain: one row per sprint result (result_id).
-- depends on: _scope (scoped_results)
with
-- @_scope
,

final as (
    select season, round, position_order, race_item, item from scoped_results
    where session = 'sprint'
        and ($sprint_position is null or position = $sprint_position)
)

select * from final
order by season, round, position_order
