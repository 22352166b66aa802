-- purpose: Ergast /results: Grand Prix classifications the path's filters select.
-- grain: one row per race result (result_id).
-- depends on: _scope (scoped_entries)
with
-- @_scope
,

final as (
    select season, round, position_order, race_item, item from scoped_entries
)

select * from final
order by season, round, position_order
