-- gold.race_laps: every Grand Prix lap from OpenF1 timing, classified for pace analysis.
-- grain: season, round, driver_id, lap.
-- A clean lap is timed, not lap 1, neither a pit-in nor a pit-out lap, run under green
-- (or unknown) track status, and within 107% of the driver's median lap of that race.
-- gap_ahead_ms is how long after the car ahead on the road (the previous car to start the
-- same lap number) the driver started the lap; lapped traffic is not seen by it. A clean
-- lap is in clean air when the driver led that lap or started it 2 s or more behind.
-- depends on: silver.session_laps
with laps as (
    select *
    from silver.session_laps
    where session_name = 'Race'
        and season is not null and round is not null and driver_id is not null
),

gaps as (
    select
        *,
        date_diff(
            'millisecond',
            lag(lap_started_at) over (
                partition by session_key, lap order by lap_started_at, driver_number
            ),
            lap_started_at
        ) as gap_ahead_ms
    from laps
),

medians as (
    select session_key, driver_id, median(lap_time_ms) as median_lap_ms
    from laps
    where lap_time_ms is not null
    group by session_key, driver_id
),

classified as (
    select
        g.*,
        coalesce(
            g.lap > 1
            and g.lap_time_ms is not null
            and not g.is_pit_in_lap
            and not g.is_pit_out_lap
            and coalesce(g.track_status, 'green') = 'green'
            and g.lap_time_ms <= 1.07 * m.median_lap_ms,
            false
        ) as is_clean
    from gaps as g
    left join medians as m on m.session_key = g.session_key and m.driver_id = g.driver_id
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
        stint_number,
        compound,
        tyre_age_laps,
        track_status,
        is_pit_in_lap,
        is_pit_out_lap,
        gap_ahead_ms,
        is_clean,
        is_clean and lap_started_at is not null
            and (gap_ahead_ms is null or gap_ahead_ms >= 2000) as is_clean_air
    from classified
)

select * from final
