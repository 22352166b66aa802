-- purpose: Ergast /driverStandings: the drivers' championship after the given round (after the
--          season's last round when none is given), with the constructors each driver raced for
--          up to then. Drivers who failed to qualify for every race so far are not listed.
-- grain: one row per (season, driver).
-- depends on: silver.driver_standings, silver.race_results, silver.drivers,
--             silver.constructors
with
-- @_scope
,

standing_rounds as (
    select ds.season, coalesce($round, max(ds.round)) as round
    from silver.driver_standings as ds
    where ($season is null or ds.season = $season)
    group by ds.season
),

-- what each driver did up to the standing round: the constructors raced for (in the order
-- first raced for) and whether any race was started (a result other than failed to qualify);
-- one pass over the season's results instead of two subqueries per standing row
drove as (
    select
        rr.season,
        rr.driver_id,
        rr.constructor_id,
        min(rr.round) as first_round,
        bool_or(rr.position_text <> 'F') as started
    from silver.race_results as rr
    inner join standing_rounds as sr on sr.season = rr.season and rr.round <= sr.round
    where ($driver is null or rr.driver_id = $driver)
    group by rr.season, rr.driver_id, rr.constructor_id
),

careers as (
    select
        drove.season,
        drove.driver_id,
        list(
            {
                'constructor_id': c.constructor_id,
                'constructor_url': c.url,
                'constructor_name': c.constructor_name,
                'constructor_nationality': c.nationality
            }
            order by drove.first_round, c.constructor_id
        ) as constructors
    from drove
    inner join silver.constructors as c on c.constructor_id = drove.constructor_id
    group by drove.season, drove.driver_id
    having bool_or(drove.started)
),

final as (
    select
        ds.season,
        ds.round,
        ds.position,
        ds.position_text,
        ds.points,
        ds.wins,
        d.driver_id, d.permanent_number, d.code, d.url as driver_url, d.given_name,
        d.family_name, d.date_of_birth, d.nationality,
        ca.constructors
    from silver.driver_standings as ds
    inner join standing_rounds as sr on sr.season = ds.season and sr.round = ds.round
    inner join careers as ca on ca.season = ds.season and ca.driver_id = ds.driver_id
    left join silver.drivers as d on d.driver_id = ds.driver_id
    -- the season again (standing_rounds has it): PostgreSQL does not carry it across the
    -- group by, and would read every season's standings to join them
    where ($driver is null or ds.driver_id = $driver)
        and ($season is null or ds.season = $season)
        and ($driver_standing is null or ds.position = $driver_standing)
)

select * from final
order by season, position nulls last, driver_id
