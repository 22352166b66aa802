-- purpose: Ergast /pitstops: the pit stops of one race the path's filters select. The constructors,
--          grid, results, fastest and status filters select drivers by their race entry.
-- grain: one row per (driver, stop).
-- depends on: silver.pit_stops, _scope (scoped_races, scoped_entries)
with
-- @_scope
,

final as (
    select
        ra.season,
        ra.round,
        ra.race_item,
        p.driver_id,
        p.lap,
        p.stop,
        p.time_of_day,
        p.duration_text
    from silver.pit_stops as p
    inner join scoped_races as ra on ra.season = p.season and ra.round = p.round
    where ($driver is null or p.driver_id = $driver)
        and ($lap is null or p.lap = $lap)
        and ($stop is null or p.stop = $stop)
        and ($by_entry is null or (p.season, p.round, p.driver_id) in (
            select season, round, driver_id from scoped_entries
        ))
)

select * from final
order by season, round, time_of_day, driver_id, stop
