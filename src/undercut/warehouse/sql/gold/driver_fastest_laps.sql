-- gold.driver_fastest_laps: each driver's fastest lap of each Grand Prix, ranked within the race.
-- grain: season, round, driver_id.
-- Races with OpenF1 timing use it (sectors, compound, tyre age; source 'openf1'); other
-- races use the Ergast-source lap times in silver.lap_times (source 'archive' or 'api',
-- lap time only).
-- depends on: gold.race_laps, silver.lap_times
with openf1_laps as (
    select
        season, round, driver_id, lap, lap_time_ms, sector_1_ms, sector_2_ms, sector_3_ms,
        compound, tyre_age_laps, 'openf1' as source
    from gold.race_laps
    where lap_time_ms is not null
),

covered as (select distinct season, round from openf1_laps),

ergast_laps as (
    select
        l.season, l.round, l.driver_id, l.lap, l.time_ms as lap_time_ms,
        null::integer as sector_1_ms, null::integer as sector_2_ms,
        null::integer as sector_3_ms, null::varchar as compound,
        null::integer as tyre_age_laps, l.source
    from silver.lap_times as l
    where l.time_ms is not null and l.driver_id is not null
        and not exists (
            select 1 from covered as c where c.season = l.season and c.round = l.round
        )
),

all_laps as (
    select * from openf1_laps
    union all
    select * from ergast_laps
),

best as (
    select *
    from all_laps
    qualify row_number() over (
        partition by season, round, driver_id order by lap_time_ms, lap, source
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
