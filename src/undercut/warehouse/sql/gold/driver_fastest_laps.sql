-- purpose: each driver's fastest lap of each Grand Prix, ranked within the race.
-- grain: season, round, driver_id.
-- Races with OpenF1 timing use it (sectors, compound, tyre age; source 'openf1'); other
-- races use the Ergast-source lap times (source 'archive' or 'jolpica', lap time only): the
-- choice is made once, in gold.race_laps.
-- incremental by: season
-- depends on: gold.race_laps
with laps as (
    select
        season, round, driver_id, lap, lap_time_ms, sector_1_ms, sector_2_ms, sector_3_ms,
        compound, tyre_age_laps, source
    from gold.race_laps
    where lap_time_ms is not null
),

best as (
    select *
    from laps
    qualify row_number() over (
        partition by season, round, driver_id order by lap_time_ms, lap
    ) = 1
),

final as (
    select
        season,
        round,
        driver_id,
        lap,
        lap_time_ms,
        sector_1_ms,
        sector_2_ms,
        sector_3_ms,
        compound,
        tyre_age_laps,
        rank() over (partition by season, round order by lap_time_ms)::integer as race_rank,
        source
    from best
)

select * from final
