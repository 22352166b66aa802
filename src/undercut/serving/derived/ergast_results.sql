-- purpose: Every Grand Prix and sprint result with its race, circuit, driver and
--          constructor, and the columns the Ergast filters select on (grid, position,
--          fastest-lap rank, status). Made once per served copy; the Ergast queries filter it
--          instead of joining.
-- grain: one row per result (session 'race' or 'sprint', result_id).
-- depends on: silver.race_results, silver.sprint_results, silver.races, silver.circuits,
--             silver.drivers, silver.constructors
with classified as (
    select 'race' as session, * from silver.race_results
    union all
    select 'sprint' as session, * from silver.sprint_results
)

select
    res.session,
-- @_race_header
    res.result_id,
    res.car_number,
    res.position,
    res.position_order,
    res.position_text,
    res.points,
    res.driver_id,
-- @_driver_columns
    res.constructor_id,
-- @_constructor_columns
    res.grid,
    res.laps,
    res.status_id,
    res.status,
    res.time_ms,
    res.time_text,
    res.fastest_lap,
    res.fastest_lap_rank,
    res.fastest_lap_time_text,
    res.fastest_lap_speed_kph
from classified as res
inner join silver.races as ra on ra.season = res.season and ra.round = res.round
left join silver.circuits as ci on ci.circuit_id = ra.circuit_id
left join silver.drivers as d on d.driver_id = res.driver_id
left join silver.constructors as c on c.constructor_id = res.constructor_id
order by res.session, ra.season, ra.round, res.position_order
