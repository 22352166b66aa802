-- purpose: each driver's running position at the end of every Grand Prix lap (a lap chart).
-- grain: season, round, driver_id, lap.
-- source: the Ergast-source lap times carry the position as timed ('archive' or 'jolpica';
-- one copy of each lap, the archive's first); a race with OpenF1 timing and no Ergast laps
-- is ranked here: among the drivers who completed a lap, in the order they crossed the
-- line at its end (the lap's start plus its duration, or else the start of the next lap).
-- incremental by: season
-- depends on: silver.lap_times, silver.session_laps
with ergast_laps as (
    select season, round, driver_id, lap, position, source
    from silver.lap_times
    where season is not null and round is not null and driver_id is not null
        and lap is not null and position is not null
    qualify row_number() over (
        partition by season, round, driver_id, lap
        order by case source when 'archive' then 0 else 1 end, source
    ) = 1
),

ergast_races as (select distinct season, round from ergast_laps),

session_laps as (
    select season, round, driver_id, lap, lap_started_at, lap_time_ms, source
    from silver.session_laps
    where session_name = 'Race'
        and season is not null and round is not null and driver_id is not null
        and lap is not null
    qualify row_number() over (
        partition by season, round, driver_id, lap order by session_key
    ) = 1
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
    from session_laps as l
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
        source
    from crossings
    where crossed_at is not null
),

final as (
    select season, round, driver_id, lap, position::integer as position, source
    from ergast_laps
    union all
    select season, round, driver_id, lap, position::integer as position, source
    from openf1_laps
)

select * from final
