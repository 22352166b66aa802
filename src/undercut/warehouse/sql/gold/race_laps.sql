-- purpose: every Grand Prix lap with a time, from either lap source, classified
--          for pace analysis.
-- grain: season, round, driver_id, lap.
-- source: 'openf1' for a race with OpenF1 timing (sectors, tyres, track status, pit-in
-- and pit-out laps from timing); any other race uses the Ergast-source lap times of
-- silver.lap_times ('archive' or 'jolpica'; one copy of each lap, _race_lap_copies), with
-- pit-in laps from silver.pit_stops, the lap after as the pit-out lap, and no sectors,
-- tyres or track status.
-- A clean lap is timed, not lap 1, neither a pit-in nor a pit-out lap, run under green
-- (or unknown) track status, and within 107% of the driver's median lap of that race.
-- gap_ahead_ms is how long after the car ahead on the road (the previous car to start the
-- same lap number) the driver started the lap: OpenF1 lap start times, or for Ergast laps
-- the sum of the driver's earlier laps (null when one is missing); lapped traffic is not
-- seen by it. A clean lap is in clean air when the driver led that lap or started it 2 s
-- or more behind.
-- incremental by: season
-- depends on: silver.session_laps, silver.lap_times, silver.pit_stops
with
-- @_race_lap_copies
,

openf1_laps as (
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
        coalesce(is_pit_in_lap, false) as is_pit_in_lap,
        coalesce(is_pit_out_lap, false) as is_pit_out_lap,
        epoch_ms(lap_started_at) as started_ms,
        source
    from race_session_laps
),

covered as (select distinct season, round from openf1_laps),

ergast_times as (
    select l.season, l.round, l.driver_id, l.lap, l.time_ms, l.source
    from ergast_lap_times as l
    where not exists (
        select 1 from covered as c where c.season = l.season and c.round = l.round
    )
),

pit_in_laps as (
    select distinct season, round, driver_id, lap
    from silver.pit_stops
    where driver_id is not null
),

ergast_laps as (
    select
        t.season,
        t.round,
        t.driver_id,
        t.lap,
        t.time_ms as lap_time_ms,
        null::integer as sector_1_ms,
        null::integer as sector_2_ms,
        null::integer as sector_3_ms,
        null::integer as stint_number,
        null::varchar as compound,
        null::integer as tyre_age_laps,
        null::varchar as track_status,
        pin.lap is not null as is_pit_in_lap,
        pout.lap is not null as is_pit_out_lap,
        case
            when count(t.time_ms) over earlier = t.lap - 1
                then coalesce(sum(t.time_ms) over earlier, 0)
        end as started_ms,
        t.source
    from ergast_times as t
    left join pit_in_laps as pin
        on pin.season = t.season and pin.round = t.round and pin.driver_id = t.driver_id
        and pin.lap = t.lap
    left join pit_in_laps as pout
        on pout.season = t.season and pout.round = t.round and pout.driver_id = t.driver_id
        and pout.lap + 1 = t.lap
    window earlier as (
        partition by t.season, t.round, t.driver_id order by t.lap
        rows between unbounded preceding and 1 preceding
    )
),

laps as (
    select * from openf1_laps
    union all
    select * from ergast_laps
),

-- one pass over the laps (a CTE read twice would be materialised whole, which keeps the
-- build's season filter from reaching silver when only some seasons are rebuilt)
classified as (
    select
        *,
        coalesce(
            lap > 1
            and lap_time_ms is not null
            and not is_pit_in_lap
            and not is_pit_out_lap
            and coalesce(track_status, 'green') = 'green'
            and lap_time_ms <= 1.07 * median(lap_time_ms) over driver_race,
            false
        ) as is_clean,
        started_ms - lag(started_ms) over (
            partition by season, round, lap order by started_ms, driver_id
        ) as gap_ahead_ms
    from laps
    window driver_race as (partition by season, round, driver_id)
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
        (case when started_ms is not null then gap_ahead_ms end)::integer as gap_ahead_ms,
        is_clean,
        is_clean and started_ms is not null
            and (gap_ahead_ms is null or gap_ahead_ms >= 2000) as is_clean_air,
        source
    from classified
)

select * from final
