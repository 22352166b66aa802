-- purpose: Ergast /results: Grand Prix classifications the path's filters select.
-- grain: one row per race result (result_id).
-- depends on: serving.ergast_results, _race_filter, _entry_filter
with final as (
    select season, round, position_order, race_item, item
    from serving.ergast_results
    where session = 'race'
        and
-- @_race_filter
        and
-- @_entry_filter
)

select * from final
order by season, round, position_order
