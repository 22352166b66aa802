-- purpose: Ergast /constructorStandings: the constructors' championship after the given round
--          (after the season's last round when none is given).
-- grain: one row per (season, constructor).
-- depends on: silver.constructor_standings, silver.constructors
with
-- @_scope
,

standing_rounds as (
    select cs.season, coalesce($round, max(cs.round)) as round
    from silver.constructor_standings as cs
    where ($season is null or cs.season = $season)
    group by cs.season
),

final as (
    select
        cs.season,
        cs.round,
        cs.position,
        cs.position_text,
        cs.points,
        cs.wins,
        c.constructor_id, c.url as constructor_url, c.constructor_name,
        c.nationality as constructor_nationality
    from silver.constructor_standings as cs
    inner join standing_rounds as sr on sr.season = cs.season and sr.round = cs.round
    left join silver.constructors as c on c.constructor_id = cs.constructor_id
    -- the season again (standing_rounds has it): PostgreSQL does not carry it across the
    -- group by, and would read every season's standings to join them
    where ($constructor is null or cs.constructor_id = $constructor)
        and ($season is null or cs.season = $season)
        and ($constructor_standing is null or cs.position = $constructor_standing)
)

select * from final
order by season, position nulls last, constructor_id
