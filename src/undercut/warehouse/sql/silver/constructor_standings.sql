-- purpose: constructors' championship after each round (1958 onwards).
-- grain: one row per (season, round, constructor_id).
-- depends on: archive.constructor_standings, archive.races, archive.constructors
with standings as (select * from archive.constructor_standings),

races as (select * from archive.races),

constructors as (select * from archive.constructors),

final as (
    select
        ra.year as season,
        ra.round,
        c.constructorRef as constructor_id,
        s.points,
        s.position,
        s.positionText as position_text,
        s.wins
    from standings as s
    left join races as ra on ra.raceId = s.raceId
    left join constructors as c on c.constructorId = s.constructorId
)

select * from final
