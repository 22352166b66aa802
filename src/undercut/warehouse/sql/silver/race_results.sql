-- purpose: one row per car classified (or not) in a Grand Prix.
-- grain: result_id (a driver may have two rows in one race: shared drives before 1960s).
-- depends on: archive.results, archive.races, archive.drivers, archive.constructors,
--             archive.status
with results as (select * from archive.results),

races as (select * from archive.races),

drivers as (select * from archive.drivers),

constructors as (select * from archive.constructors),

status as (select * from archive.status),

final as (
    select
        res.resultId as result_id,
        ra.year as season,
        ra.round,
        d.driverRef as driver_id,
        c.constructorRef as constructor_id,
        res.number as car_number,
        res.grid,
        res.position,
        res.positionText as position_text,
        res.positionOrder as position_order,
        res.points,
        res.laps,
        res.time as time_text,
        res.milliseconds as time_ms,
        res.fastestLap as fastest_lap,
        res.rank as fastest_lap_rank,
        res.fastestLapTime as fastest_lap_time_text,
        duration_ms(res.fastestLapTime) as fastest_lap_time_ms,
        res.fastestLapSpeed as fastest_lap_speed_kph,
        res.statusId as status_id,
        s.status
    from results as res
    left join races as ra on ra.raceId = res.raceId
    left join drivers as d on d.driverId = res.driverId
    left join constructors as c on c.constructorId = res.constructorId
    left join status as s on s.statusId = res.statusId
)

select * from final
