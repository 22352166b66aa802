-- purpose: Ergast /sprint: sprint classifications the path's filters select (the grid, status and
--          position filters apply to the sprint itself).
-- grain: one row per sprint result (result_id).
-- depends on: serving.ergast_results, _race_filter, _entry_filter
with final as (
    select season, round, position_order, race_item, item
    from serving.ergast_results
    where session = 'sprint'
        and
-- @_race_filter
        and
-- @_entry_filter
        and ($sprint_position is null or position = $sprint_position)
)

select * from final
order by season, round, position_order
