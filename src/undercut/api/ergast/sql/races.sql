-- purpose: Ergast /races: the schedule (race and session dates/times) the path's filters select.
-- grain: one row per race (season, round).
-- depends on: _scope (scoped_races, scoped_entries)
with
-- @_scope
,

final as (
    select ra.season, ra.round, ra.item
    from scoped_races as ra
    where ($by_entry is null or (ra.season, ra.round) in (select season, round from scoped_entries))
)

select * from final
order by season, round
