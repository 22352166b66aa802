-- purpose: the fastest race lap recorded at one circuit (Ergast has lap data from 2004)
-- grain: one row (or none)
-- depends on: silver.race_results, silver.races
with laps as (
    select res.driver_id, res.season, res.fastest_lap_time_ms, res.fastest_lap_time_text
    from silver.race_results as res
    inner join silver.races as races
        on races.season = res.season and races.round = res.round
    where races.circuit_id = :circuit_id and res.fastest_lap_time_ms is not null
),

final as (
    select driver_id, season, fastest_lap_time_ms as ms, fastest_lap_time_text as time_text
    from laps
    order by fastest_lap_time_ms, season
    limit 1
)

select * from final
