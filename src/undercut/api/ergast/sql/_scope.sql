-- purpose: Scope shared by every Ergast endpoint query: what the path's filters select.
-- grain: scoped_races one row per (season, round); scoped_entries one row per race result;
--        race_details one row per (season, round) with its circuit; final_*_standings one
--        row per driver/constructor at the last standings round of each season.
-- depends on: silver.races, silver.circuits, silver.race_results, silver.driver_standings,
--             silver.constructor_standings
-- Each filter is a parameter that is NULL when the path does not give it.
scoped_races as (
    select ra.season, ra.round, ra.circuit_id
    from silver.races as ra
    where ($season is null or ra.season = $season)
        and ($round is null or ra.round = $round)
        and ($circuit is null or ra.circuit_id = $circuit)
),

scoped_entries as (
    select
        res.result_id,
        res.season,
        res.round,
        sr.circuit_id,
        res.driver_id,
        res.constructor_id,
        res.status_id
    from silver.race_results as res
    inner join scoped_races as sr on sr.season = res.season and sr.round = res.round
    where ($constructor is null or res.constructor_id = $constructor)
        and ($driver is null or res.driver_id = $driver)
        and ($grid is null or res.grid = $grid)
        and ($position is null or res.position = $position)
        and ($fastest is null or res.fastest_lap_rank = $fastest)
        and ($status is null or res.status_id = $status)
),

race_details as (
    select
        ra.season,
        ra.round,
        ra.url as race_url,
        ra.race_name,
        ra.race_date,
        ra.race_time,
        ci.circuit_id,
        ci.url as circuit_url,
        ci.circuit_name,
        ci.lat,
        ci.lng,
        ci.locality,
        ci.country
    from silver.races as ra
    left join silver.circuits as ci on ci.circuit_id = ra.circuit_id
),

final_driver_standings as (
    select ds.season, ds.driver_id, ds.position
    from silver.driver_standings as ds
    inner join (
        select season, max(round) as round from silver.driver_standings group by season
    ) as latest on latest.season = ds.season and latest.round = ds.round
),

final_constructor_standings as (
    select cs.season, cs.constructor_id, cs.position
    from silver.constructor_standings as cs
    inner join (
        select season, max(round) as round from silver.constructor_standings group by season
    ) as latest on latest.season = cs.season and latest.round = cs.round
)
