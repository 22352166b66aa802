-- purpose: one row per pit stop (2011 onwards).
-- grain: one row per (season, round, driver_id, stop).
-- depends on: archive.pit_stops, archive.races, archive.drivers
with pit_stops as (select * from archive.pit_stops),

races as (select * from archive.races),

drivers as (select * from archive.drivers),

final as (
    select
        ra.year as season,
        ra.round,
        d.driverRef as driver_id,
        p.stop,
        p.lap,
        p.time as time_of_day,
        p.duration as duration_text,
        coalesce(p.milliseconds, duration_ms(p.duration)) as duration_ms
    from pit_stops as p
    left join races as ra on ra.raceId = p.raceId
    left join drivers as d on d.driverId = p.driverId
)

select * from final
