-- purpose: Ergast /qualifying: qualifying classifications the path's filters select. The grid,
--          results, fastest and status filters apply to the same driver's race entry; the final
--          value matches the qualifying position or the driver's place in any single session
--          (Q1, Q2, Q3), as the Ergast-compatible service does. Session places and times are
--          those of serving.ergast_qualifying.
-- grain: one row per qualifying entry (qualify_id).
-- depends on: serving.ergast_qualifying, _race_filter, _scope (scoped_entries)
with
-- @_scope
,

final as (
    select q.season, q.round, q.position, q.driver_id, q.race_item, q.item
    from serving.ergast_qualifying as q
    where
-- @_race_filter
        and ($constructor is null or q.constructor_id = $constructor)
        and ($driver is null or q.driver_id = $driver)
        and ($by_result is null or (q.season, q.round, q.driver_id) in (
            select season, round, driver_id from scoped_entries
        ))
        and ($qualifying_position is null
            or $qualifying_position in (q.position, q.q1_place, q.q2_place, q.q3_place))
)

select * from final
order by season, round, position, driver_id
