-- purpose: each driver's running position and gap to the leader at the end of every Grand
--          Prix lap (a lap chart, a gap chart).
-- grain: season, round, driver_id, lap.
-- source: the Ergast-source lap times carry the position as timed ('archive' or 'jolpica';
-- one copy of each lap, _race_lap_copies); a race with OpenF1 timing and no Ergast laps
-- is ranked here: among the drivers who completed a lap, in the order they crossed the
-- line at its end (the lap's start plus its duration, or else the start of the next lap).
-- gap_to_leader_ms: how long after the first driver to complete the lap this driver
-- completed it (Ergast: the sum of the driver's lap times, null once one is missing;
-- OpenF1: the crossing times), so a lapped driver's gap exceeds a lap.
-- incremental by: season
-- depends on: silver.lap_times, silver.session_laps
with
-- @_race_lap_copies
,

-- every copy's time counts towards the elapsed time; only a lap with a position is charted
ergast_laps as (
    select season, round, driver_id, lap, position, time_ms, source
    from ergast_lap_times
),

ergast_races as (
    select distinct season, round from ergast_laps where position is not null
),

ergast_timed as (
    select
        season,
        round,
        driver_id,
        lap,
        position,
        case
            when count(time_ms) over so_far = lap then sum(time_ms) over so_far
        end as elapsed_ms,
        source
    from ergast_laps
    window so_far as (
        partition by season, round, driver_id order by lap
        rows between unbounded preceding and current row
    )
),

crossings as (
    select
        season,
        round,
        driver_id,
        lap,
        coalesce(
            lap_started_at + to_milliseconds(lap_time_ms),
            lead(lap_started_at) over (partition by season, round, driver_id order by lap)
        ) as crossed_at,
        source
    from race_session_laps as l
    where not exists (
        select 1 from ergast_races as e where e.season = l.season and e.round = l.round
    )
),

openf1_laps as (
    select
        season,
        round,
        driver_id,
        lap,
        row_number() over (partition by season, round, lap order by crossed_at, driver_id)
            as position,
        epoch_ms(crossed_at) as elapsed_ms,
        source
    from crossings
    where crossed_at is not null
),

laps as (
    select season, round, driver_id, lap, position, elapsed_ms, source from ergast_timed
    where position is not null
    union all
    select season, round, driver_id, lap, position, elapsed_ms, source from openf1_laps
),

final as (
    select
        season,
        round,
        driver_id,
        lap,
        position::integer as position,
        (elapsed_ms - min(elapsed_ms) over (partition by season, round, lap))::integer
            as gap_to_leader_ms,
        source
    from laps
)

select * from final
