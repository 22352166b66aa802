-- purpose: Ergast /drivers: drivers with a race entry the path's filters select.
-- grain: one row per driver.
-- depends on: silver.drivers, _scope (scoped_entries, final_driver_standings)
with
-- @_scope
,

final as (
    select d.driver_id, d.permanent_number, d.code, d.url as driver_url, d.given_name,
        d.family_name, d.date_of_birth, d.nationality
    from silver.drivers as d
    where ($driver is null or d.driver_id = $driver)
        and (not ($by_race or $by_entry)
            or d.driver_id in (select driver_id from scoped_entries))
        and ($driver_standing is null or d.driver_id in (
            select driver_id from final_driver_standings
            where position = $driver_standing and ($season is null or season = $season)
        ))
)

select * from final
order by strip_accents(lower(family_name)), strip_accents(lower(given_name)), driver_id
