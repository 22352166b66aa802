-- purpose: Ergast /drivers: drivers with a race entry the path's filters select.
-- grain: one row per driver.
-- depends on: serving.ergast_drivers, _scope (scoped_entries, final_driver_standings)
with
-- @_scope
,

final as (
    select d.family_order, d.given_order, d.driver_id, d.item
    from serving.ergast_drivers as d
    where ($driver is null or d.driver_id = $driver)
        and ($by_any is null
            or d.driver_id in (select driver_id from scoped_entries))
        and ($driver_standing is null or d.driver_id in (
            select driver_id from final_driver_standings
            where position = $driver_standing and ($season is null or season = $season)
        ))
)

select * from final
order by family_order, given_order, driver_id
