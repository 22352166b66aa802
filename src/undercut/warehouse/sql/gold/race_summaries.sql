-- purpose: each Grand Prix in one line: winner, pole, fastest lap, margin.
-- grain: one row per silver.races race (scheduled races without a result yet have null
--        winners; has_result tells). margin_ms is the winner's lead over second place when
--        both finished on the lead lap with a time; null otherwise. Shared winning cars
--        credit the first-listed driver.
-- incremental by: season
-- depends on: silver.races, silver.race_results, gold.official_poles, gold.fastest_laps
with races as (select * from silver.races),

results as (select * from silver.race_results),

poles as (select * from gold.official_poles),

fastest_laps as (select * from gold.fastest_laps),

winners as (
    select
        season,
        round,
        arg_min(driver_id, result_id) as winner_driver_id,
        arg_min(constructor_id, result_id) as winner_constructor_id,
        arg_min(time_ms, result_id) as winner_time_ms,
        arg_min(laps, result_id) as laps
    from results
    where position = 1
    group by season, round
),

runners_up as (
    select season, round, arg_min(time_ms, result_id) as second_time_ms,
        arg_min(laps, result_id) as second_laps
    from results
    where position = 2
    group by season, round
),

fastest as (
    select season, round, arg_min(driver_id, driver_id) as fastest_lap_driver_id,
        min(lap_time_ms) as fastest_lap_ms
    from fastest_laps
    group by season, round
),

with_results as (select distinct season, round from results),

final as (
    select
        ra.season,
        ra.round,
        ra.race_name,
        ra.race_date,
        ra.circuit_id,
        w.winner_driver_id,
        w.winner_constructor_id,
        p.driver_id as pole_driver_id,
        f.fastest_lap_driver_id,
        case when r2.second_laps = w.laps then r2.second_time_ms - w.winner_time_ms end
            as margin_ms,
        p.constructor_id as pole_constructor_id,
        f.fastest_lap_ms,
        w.laps,
        wr.season is not null as has_result
    from races as ra
    left join winners as w on w.season = ra.season and w.round = ra.round
    left join runners_up as r2 on r2.season = ra.season and r2.round = ra.round
    left join poles as p on p.season = ra.season and p.round = ra.round
    left join fastest as f on f.season = ra.season and f.round = ra.round
    left join with_results as wr on wr.season = ra.season and wr.round = ra.round
)

select * from final
