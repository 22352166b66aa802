-- purpose: one row per driver per qualifying session (1994 onwards in the archive).
--          Times are kept as written and as milliseconds.
-- grain: one row per qualifying entry (qualify_id).
-- depends on: archive.qualifying, archive.races, archive.drivers, archive.constructors
with qualifying as (select * from archive.qualifying),

races as (select * from archive.races),

drivers as (select * from archive.drivers),

constructors as (select * from archive.constructors),

final as (
    select
        q.qualifyId as qualify_id,
        ra.year as season,
        ra.round,
        d.driverRef as driver_id,
        c.constructorRef as constructor_id,
        q.number as car_number,
        q.position,
        q.q1 as q1_text,
        duration_ms(q.q1) as q1_ms,
        q.q2 as q2_text,
        duration_ms(q.q2) as q2_ms,
        q.q3 as q3_text,
        duration_ms(q.q3) as q3_ms
    from qualifying as q
    left join races as ra on ra.raceId = q.raceId
    left join drivers as d on d.driverId = q.driverId
    left join constructors as c on c.constructorId = q.constructorId
)

select * from final
