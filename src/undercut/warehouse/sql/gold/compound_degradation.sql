-- purpose: tyre wear per compound in each Grand Prix, all drivers pooled.
-- grain: season, round, compound.
-- Same slope as gold.tyre_degradation (clean laps, centred within each driver's stint),
-- over every driver who ran the compound; null with fewer than 10 clean laps.
-- incremental by: season
-- depends on: gold.race_laps
with laps as (
    select * from gold.race_laps
    where is_clean and compound is not null and tyre_age_laps is not null
),

centred as (
    select
        season, round, driver_id, compound,
        lap_time_ms - avg(lap_time_ms) over stint as lap_time_centred,
        tyre_age_laps - avg(tyre_age_laps) over stint as tyre_age_centred
    from laps
    window stint as (partition by season, round, driver_id, stint_number)
),

final as (
    select
        season,
        round,
        compound,
        count(distinct driver_id)::integer as drivers,
        count(*)::integer as clean_laps,
        case when count(*) >= 10
            then round(regr_slope(lap_time_centred, tyre_age_centred), 1)
        end as deg_ms_per_lap
    from centred
    group by season, round, compound
)

select * from final
