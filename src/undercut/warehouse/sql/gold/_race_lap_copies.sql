-- purpose: the one copy of each Grand Prix lap that every lap model reads, per source:
--          race_session_laps from OpenF1 (a lap timed in more than one session record
--          keeps the first session's), ergast_lap_times from the Ergast sources (the
--          archive's copy before the API's). Included by gold.race_laps and
--          gold.race_lap_positions (``-- @_race_lap_copies``), so a lap's time and its
--          running position come from the same copy.
-- grain: race_session_laps and ergast_lap_times: season, round, driver_id, lap.
-- depends on: silver.session_laps, silver.lap_times
race_session_laps as (
    select *
    from silver.session_laps
    where session_name = 'Race'
        and season is not null and round is not null and driver_id is not null
        and lap is not null
    qualify row_number() over (
        partition by season, round, driver_id, lap order by session_key
    ) = 1
),

ergast_lap_times as (
    select *
    from silver.lap_times
    where season is not null and round is not null and driver_id is not null
        and lap is not null
    qualify row_number() over (
        partition by season, round, driver_id, lap
        order by case source when 'archive' then 0 else 1 end, source
    ) = 1
)
