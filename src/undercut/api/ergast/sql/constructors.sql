-- purpose: Ergast /constructors: constructors with a race entry the path's filters select.
-- grain: one row per constructor.
-- depends on: silver.constructors, _scope (scoped_entries, final_constructor_standings)
with
-- @_scope
,

final as (
    select c.constructor_id, c.url as constructor_url, c.constructor_name,
        c.nationality as constructor_nationality
    from silver.constructors as c
    where ($constructor is null or c.constructor_id = $constructor)
        and ($by_any is null
            or c.constructor_id in (select constructor_id from scoped_entries))
        and ($constructor_standing is null or c.constructor_id in (
            select constructor_id from final_constructor_standings
            where position = $constructor_standing and ($season is null or season = $season)
        ))
)

select * from final
order by constructor_id
