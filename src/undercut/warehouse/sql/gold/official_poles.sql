-- purpose: pole position as officially awarded, one per race.
-- grain: one row per silver.races race with a starting grid or a qualifying result.
--        Pole goes to the driver who lines up first once every penalty is applied: grid
--        penalties (Turkey 2021), exclusion from qualifying (Spain 2012) and reprimands
--        that moved the fastest driver back (Hungary 2007) all change it. That is why the
--        archive's count of qualifying P1s (107 for Hamilton) exceeds his 104 poles through
--        2024. On 2021 sprint weekends the sprint set the grid and its order decided pole;
--        in 2022 the sprint still set the grid but pole was credited to the fastest driver
--        of qualifying (Magnussen, Brazil 2022). Shared cars of the 1950s put two drivers
--        on the pole slot; the one who took the start (first listed) is credited. Races
--        with qualifying but no race result yet use the qualifying order.
-- incremental by: season
-- depends on: silver.races, silver.race_results, silver.qualifying, silver.sprint_results
with races as (select * from silver.races),

results as (select * from silver.race_results),

qualifying as (select * from silver.qualifying),

sprint_rounds as (select distinct season, round from silver.sprint_results),

-- How pole was decided, era by era (data, not code).
pole_basis (first_season, last_season, is_sprint_weekend, basis) as (
    values
        (1950, 9999, false, 'grid'),
        (2021, 2021, true, 'grid'),
        (2022, 2022, true, 'qualifying'),
        (2023, 9999, true, 'grid')
),

grid_pole as (
    select
        season,
        round,
        arg_min(driver_id, result_id) as driver_id,
        arg_min(constructor_id, result_id) as constructor_id
    from results
    where grid = 1
    group by season, round
),

qualifying_pole as (
    select
        season,
        round,
        arg_min(driver_id, qualify_id) as driver_id,
        arg_min(constructor_id, qualify_id) as constructor_id
    from qualifying
    where position = 1
    group by season, round
),

decided as (
    select
        ra.season,
        ra.round,
        b.basis,
        case when b.basis = 'qualifying' then coalesce(q.driver_id, g.driver_id)
            else coalesce(g.driver_id, q.driver_id) end as driver_id,
        case when b.basis = 'qualifying' then coalesce(q.constructor_id, g.constructor_id)
            else coalesce(g.constructor_id, q.constructor_id) end as constructor_id,
        q.driver_id as fastest_qualifier_id
    from races as ra
    left join sprint_rounds as s on s.season = ra.season and s.round = ra.round
    inner join pole_basis as b
        on ra.season between b.first_season and b.last_season
        and b.is_sprint_weekend = (s.season is not null)
    left join grid_pole as g on g.season = ra.season and g.round = ra.round
    left join qualifying_pole as q on q.season = ra.season and q.round = ra.round
),

final as (
    select
        season,
        round,
        driver_id,
        constructor_id,
        basis,
        fastest_qualifier_id
    from decided
    where driver_id is not null
)

select * from final
