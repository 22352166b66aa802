-- purpose: The drivers' championship after every round, with the constructors each driver
--          raced for up to then (in the order first raced for), whether the driver is listed
--          (Ergast leaves out a driver who failed to qualify for every race so far) and
--          whether it is the season's last standings round. Made once per served copy.
-- grain: one row per (season, round, driver).
-- depends on: silver.driver_standings, silver.race_results, silver.drivers,
--             silver.constructors
with last_rounds as (
    select season, max(round) as round from silver.driver_standings group by season
),

-- each driver's constructors of a season: the first round raced for each, and the first
-- round started (a result other than failed to qualify); a standing after round R lists
-- those first raced for by R
drove as (
    select
        rr.season,
        rr.driver_id,
        rr.constructor_id,
        min(rr.round) as first_round,
        min(rr.round) filter (where rr.position_text <> 'F') as first_start
    from silver.race_results as rr
    group by rr.season, rr.driver_id, rr.constructor_id
),

careers as (
    select
        ds.season,
        ds.round,
        ds.driver_id,
        bool_or(drove.first_start <= ds.round) as started,
        list(
            {
                'constructor_id': c.constructor_id,
                'constructor_url': c.url,
                'constructor_name': c.constructor_name,
                'constructor_nationality': c.nationality
            }
            order by drove.first_round, c.constructor_id
        ) as constructors
    from silver.driver_standings as ds
    inner join drove
        on drove.season = ds.season and drove.driver_id = ds.driver_id
        and drove.first_round <= ds.round
    inner join silver.constructors as c on c.constructor_id = drove.constructor_id
    group by ds.season, ds.round, ds.driver_id
)

select
    ds.season,
    ds.round,
    ds.round = lr.round as final_round,
    coalesce(ca.started, false) as listed,
    ds.position,
    ds.position_text,
    ds.points,
    ds.wins,
    ds.driver_id,
-- @_driver_columns
    ca.constructors
from silver.driver_standings as ds
inner join last_rounds as lr on lr.season = ds.season
left join careers as ca
    on ca.season = ds.season and ca.round = ds.round and ca.driver_id = ds.driver_id
left join silver.drivers as d on d.driver_id = ds.driver_id
order by ds.season, ds.round, ds.position, ds.driver_id
