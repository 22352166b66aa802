-- purpose: Scope shared by every Ergast endpoint query: what the path's filters select.
-- grain: scoped_races one row per (season, round); scoped_results one row per Grand Prix or
--        sprint result, scoped_entries per Grand Prix result;
--        final_*_standings one row per driver/constructor at the last standings round of
--        each season.
-- depends on: serving.ergast_races, serving.ergast_results, serving.ergast_driver_standings,
--             serving.ergast_constructor_standings
-- Each filter is a parameter that is NULL when the path does not give it. The serving.*
-- tables hold the joins already (see serving/derived): a request filters, it does not join.
scoped_races as (
    select ra.season, ra.round, ra.circuit_id
    from serving.ergast_races as ra
    where ($season is null or ra.season = $season)
        and ($round is null or ra.round = $round)
        and ($circuit is null or ra.circuit_id = $circuit)
),

-- results of either session whose own values match the filters
scoped_results as (
    select res.*
    from serving.ergast_results as res
    where ($season is null or res.season = $season)
        and ($round is null or res.round = $round)
        and ($circuit is null or res.circuit_id = $circuit)
        and ($constructor is null or res.constructor_id = $constructor)
        and ($driver is null or res.driver_id = $driver)
        and ($grid is null or res.grid = $grid)
        and ($position is null or res.position = $position)
        and ($fastest is null or res.fastest_lap_rank = $fastest)
        and ($status is null or res.status_id = $status)
),

scoped_entries as (
    select * from scoped_results where session = 'race'
),

final_driver_standings as (
    select ds.season, ds.driver_id, ds.position
    from serving.ergast_driver_standings as ds
    where ds.final_round
),

final_constructor_standings as (
    select cs.season, cs.constructor_id, cs.position
    from serving.ergast_constructor_standings as cs
    where cs.final_round
)
