-- purpose: lap time lost per lap of tyre age, per driver, race and compound.
-- grain: season, round, driver_id, compound.
-- deg_ms_per_lap is the least-squares slope of lap time against tyre age over the clean
-- laps, pooled across the driver's stints on that compound (times and ages centred within
-- each stint, so a fresh set does not read as negative wear). Fuel burn-off is not
-- removed: it makes every slope about 30-60 ms/lap lower than pure tyre wear. Null with
-- fewer than 5 clean laps.
-- incremental by: season
-- depends on: gold.race_laps
with laps as (
    select * from gold.race_laps
    where is_clean and compound is not null and tyre_age_laps is not null
),

centred as (
    select
        season, round, driver_id, compound, stint_number, tyre_age_laps, lap_time_ms,
        lap_time_ms - avg(lap_time_ms) over stint as lap_time_centred,
        tyre_age_laps - avg(tyre_age_laps) over stint as tyre_age_centred
    from laps
    window stint as (partition by season, round, driver_id, stint_number)
),

final as (
    select
        season,
        round,
        driver_id,
        compound,
        count(distinct stint_number)::integer as stints,
        count(*)::integer as clean_laps,
        min(tyre_age_laps)::integer as min_tyre_age,
        max(tyre_age_laps)::integer as max_tyre_age,
        case when count(*) >= 5
            then round(regr_slope(lap_time_centred, tyre_age_centred), 1)
        end as deg_ms_per_lap
    from centred
    group by season, round, driver_id, compound
)

select * from final
