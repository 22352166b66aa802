-- purpose: one row per driver per lap (1996 onwards, when the archive has them).
-- grain: one row per (season, round, driver_id, lap).
-- depends on: archive.lap_times, archive.races, archive.drivers
with lap_times as (select * from archive.lap_times),

races as (select * from archive.races),

drivers as (select * from archive.drivers),

final as (
    select
        ra.year as season,
        ra.round,
        d.driverRef as driver_id,
        l.lap,
        l.position,
        l.time as time_text,
        coalesce(l.milliseconds, duration_ms(l.time)) as time_ms,
        'archive' as source
    from lap_times as l
    left join races as ra on ra.raceId = l.raceId
    left join drivers as d on d.driverId = l.driverId
)

select * from final
