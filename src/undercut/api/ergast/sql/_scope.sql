-- purpose: Scope shared by every Ergast endpoint query: what the path's filters select.
-- grain: scoped_races one row per (season, round); scoped_entries one row per Grand Prix
--        result;
--        final_*_standings one row per driver/constructor at the last standings round of
--        each season.
-- depends on: _race_filter, _entry_filter, serving.ergast_races, serving.ergast_results,
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

-- Grand Prix entries whose own values match the filters (results and sprint read the table
-- with the same filters, without a scope in between: each nested level costs planning)
scoped_entries as (
    select season, round, circuit_id, driver_id, constructor_id, status_id
    from serving.ergast_results
    where session = 'race'
        and
-- @_race_filter
        and
-- @_entry_filter
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
