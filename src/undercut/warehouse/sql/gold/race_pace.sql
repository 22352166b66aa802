-- purpose: each driver's pace in each Grand Prix with lap times.
-- grain: season, round, driver_id.
-- source says where the laps came from ('openf1', else 'archive' or 'jolpica' Ergast lap times).
-- median_clean_air_lap_ms is the headline figure: the typical lap with no traffic, pit
-- stop or neutralisation in it (definitions in gold.race_laps).
-- incremental by: season
-- depends on: gold.race_laps
with laps as (select * from gold.race_laps),

final as (
    select
        season,
        round,
        driver_id,
        count(*)::integer as laps,
        count(*) filter (where is_clean)::integer as clean_laps,
        count(*) filter (where is_clean_air)::integer as clean_air_laps,
        round(median(lap_time_ms) filter (where is_clean))::integer as median_clean_lap_ms,
        round(median(lap_time_ms) filter (where is_clean_air))::integer
            as median_clean_air_lap_ms,
        min(lap_time_ms)::integer as fastest_lap_ms,
        min(source) as source
    from laps
    group by season, round, driver_id
)

select * from final
