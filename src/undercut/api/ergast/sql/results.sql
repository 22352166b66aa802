-- purpose: Ergast /results: Grand Prix classifications the path's filters select.
-- grain: one row per race result (result_id).
-- depends on: silver.race_results, silver.drivers, silver.constructors,
--             _scope (scoped_entries, race_details)
with
-- @_scope
,

final as (
    select
        rd.*,
        res.car_number,
        res.position_order,
        res.position_text,
        res.points,
        d.driver_id, d.permanent_number, d.code, d.url as driver_url, d.given_name,
        d.family_name, d.date_of_birth, d.nationality,
        c.constructor_id, c.url as constructor_url, c.constructor_name,
        c.nationality as constructor_nationality,
        res.grid,
        res.laps,
        res.status,
        res.time_ms,
        res.time_text,
        res.fastest_lap,
        res.fastest_lap_rank,
        res.fastest_lap_time_text,
        res.fastest_lap_speed_kph
    -- from the entries the filters select (one per result_id), so the planner starts from
    -- those few keys instead of joining every result to its race first
    from scoped_entries as se
    inner join silver.race_results as res on res.result_id = se.result_id
    inner join race_details as rd on rd.season = se.season and rd.round = se.round
    left join silver.drivers as d on d.driver_id = res.driver_id
    left join silver.constructors as c on c.constructor_id = res.constructor_id
)

select * from final
order by season, round, position_order
