-- purpose: Scope shared by every Ergast endpoint query: what the path's filters select.
-- grain: scoped_races one row per (season, round); scoped_results one row per Grand Prix or
--        sprint result, scoped_entries per Grand Prix result;
--        final_*_standings one row per driver/constructor at the last standings round of
--        each season.
-- depends on: _race_filter, serving.ergast_races, serving.ergast_results,
--             serving.ergast_driver_standings, serving.ergast_constructor_standings
-- Each filter is a parameter that is NULL when the path does not give it, and each flag
-- (by_race, by_entry, ...) is true or NULL, so that the text a database plans drops both
-- (query_text). The serving.* tables hold the joins already (see serving/derived): a
-- request filters, it does not join.
scoped_races as (
    select season, round, circuit_id, race_item, item from serving.ergast_races
    where
-- @_race_filter
),

-- results of either session whose own values match the filters
scoped_results as (
    select
        res.session, res.season, res.round, res.circuit_id, res.driver_id, res.constructor_id,
        res.status_id, res.position, res.position_order, res.race_item, res.item
    from serving.ergast_results as res
    where
-- @_race_filter
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
