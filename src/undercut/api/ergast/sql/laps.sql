-- purpose: Ergast /laps: lap-by-lap timings of one race the path's filters select. The constructors,
--          grid, results, fastest and status filters select drivers by their race entry.
-- grain: one row per (driver, lap).
-- depends on: silver.lap_times, _scope (scoped_races, scoped_entries)
with
-- @_scope
,

final as (
    select
        ra.season,
        ra.round,
        ra.race_item,
        l.lap,
        l.driver_id,
        l.position,
        l.time_text
    from silver.lap_times as l
    inner join scoped_races as ra on ra.season = l.season and ra.round = l.round
    where ($driver is null or l.driver_id = $driver)
        and ($lap is null or l.lap = $lap)
        and ($by_entry is null or (l.season, l.round, l.driver_id) in (
            select season, round, driver_id from scoped_entries
        ))
)

select * from final
order by season, round, lap, position, driver_id
