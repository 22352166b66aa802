-- purpose: Ergast /pitstops: the pit stops of one race the path's filters select. The constructors,
--          grid, results, fastest and status filters select drivers by their race entry.
-- grain: one row per (driver, stop).
-- depends on: silver.pit_stops, _scope (scoped_races, scoped_entries, race_details)
with
-- @_scope
,

final as (
    select
        rd.*,
        p.driver_id,
        p.lap,
        p.stop,
        p.time_of_day,
        p.duration_text
    from silver.pit_stops as p
    inner join scoped_races as sr on sr.season = p.season and sr.round = p.round
    inner join race_details as rd on rd.season = p.season and rd.round = p.round
    where ($driver is null or p.driver_id = $driver)
        and ($lap is null or p.lap = $lap)
        and ($stop is null or p.stop = $stop)
        and (not $by_entry or (p.season, p.round, p.driver_id) in (
            select season, round, driver_id from scoped_entries
        ))
)

select * from final
order by season, round, time_of_day, driver_id, stop
