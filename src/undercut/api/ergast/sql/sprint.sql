-- purpose: Ergast /sprint: sprint classifications the path's filters select (the grid, status and
--          position filters apply to the sprint itself).
-- grain: one row per sprint result (result_id).
-- depends on: silver.sprint_results, silver.drivers, silver.constructors,
--             _scope (scoped_races, race_details)
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
    from silver.sprint_results as res
    inner join scoped_races as sr on sr.season = res.season and sr.round = res.round
    inner join race_details as rd on rd.season = res.season and rd.round = res.round
    left join silver.drivers as d on d.driver_id = res.driver_id
    left join silver.constructors as c on c.constructor_id = res.constructor_id
    where ($constructor is null or res.constructor_id = $constructor)
        and ($driver is null or res.driver_id = $driver)
        and ($grid is null or res.grid = $grid)
        and ($position is null or res.position = $position)
        and ($sprint_position is null or res.position = $sprint_position)
        and ($fastest is null or res.fastest_lap_rank = $fastest)
        and ($status is null or res.status_id = $status)
)

select * from final
order by season, round, position_order
