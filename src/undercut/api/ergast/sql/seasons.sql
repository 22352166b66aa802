-- purpose: Ergast /seasons: the championships the path's filters select.
-- grain: one row per season.
-- depends on: silver.seasons, _scope (scoped_races, scoped_entries, final_*_standings)
with
-- @_scope
,

final as (
    select s.season, s.url
    from silver.seasons as s
    where ($season is null or s.season = $season)
        and ($by_race is null or s.season in (select season from scoped_races))
        and ($by_entry is null or s.season in (select season from scoped_entries))
        and ($driver_standing is null or s.season in (
            select season from final_driver_standings
            where position = $driver_standing and ($driver is null or driver_id = $driver)
        ))
        and ($constructor_standing is null or s.season in (
            select season from final_constructor_standings
            where position = $constructor_standing
                and ($constructor is null or constructor_id = $constructor)
        ))
)

select * from final
order by season
