-- purpose: points per constructor per race.
-- grain: one row per (season, round, constructor_id).
-- depends on: archive.constructor_results, archive.races, archive.constructors
with constructor_results as (select * from archive.constructor_results),

races as (select * from archive.races),

constructors as (select * from archive.constructors),

final as (
    select
        ra.year as season,
        ra.round,
        c.constructorRef as constructor_id,
        cr.points,
        cr.status
    from constructor_results as cr
    left join races as ra on ra.raceId = cr.raceId
    left join constructors as c on c.constructorId = cr.constructorId
)

select * from final
