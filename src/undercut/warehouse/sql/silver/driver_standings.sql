-- purpose: championship table after each round, as published.
-- grain: one row per (season, round, driver_id).
-- depends on: archive.driver_standings, archive.races, archive.drivers
with standings as (select * from archive.driver_standings),

races as (select * from archive.races),

drivers as (select * from archive.drivers),

final as (
    select
        ra.year as season,
        ra.round,
        d.driverRef as driver_id,
        s.points,
        s.position,
        s.positionText as position_text,
        s.wins
    from standings as s
    left join races as ra on ra.raceId = s.raceId
    left join drivers as d on d.driverId = s.driverId
)

select * from final
