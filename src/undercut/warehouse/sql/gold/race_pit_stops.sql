-- purpose: every pit stop of a Grand Prix, for a race's pit-stop timeline.
-- grain: season, round, driver_id, lap (the in-lap).
-- source: the Ergast-source stops (silver.pit_stops: the archive or the API; pit_lane_ms
-- is their duration, entry to exit) where a race has them; otherwise the pit passages of
-- the OpenF1 race session. stop_ms (stationary time) comes from OpenF1 when it timed the
-- same stop.
-- incremental by: season
-- depends on: silver.pit_stops, silver.session_pits, silver.sessions
with ergast_stops as (
    select season, round, driver_id, lap, stop as stop_number, duration_ms as pit_lane_ms,
        'ergast' as source
    from silver.pit_stops
    where season is not null and round is not null and driver_id is not null
        and lap is not null
),

ergast_races as (select distinct season, round from ergast_stops),

openf1_stops as (
    select p.season, p.round, p.driver_id, p.lap, p.pit_lane_ms, p.stop_ms
    from silver.session_pits as p
    inner join silver.sessions as s on s.session_key = p.session_key
    where s.session_name = 'Race' and p.season is not null and p.round is not null
        and p.driver_id is not null and p.lap is not null
    qualify row_number() over (
        partition by p.season, p.round, p.driver_id, p.lap order by p.session_key
    ) = 1
),

openf1_only as (
    select
        season,
        round,
        driver_id,
        lap,
        row_number() over (partition by season, round, driver_id order by lap) as stop_number,
        pit_lane_ms,
        'openf1' as source
    from openf1_stops as o
    where not exists (
        select 1 from ergast_races as e where e.season = o.season and e.round = o.round
    )
),

stops as (
    select * from ergast_stops
    union all
    select * from openf1_only
),

final as (
    select
        s.season,
        s.round,
        s.driver_id,
        s.lap,
        s.stop_number::integer as stop_number,
        s.pit_lane_ms::integer as pit_lane_ms,
        o.stop_ms::integer as stop_ms,
        s.source
    from stops as s
    left join openf1_stops as o
        on o.season = s.season and o.round = s.round and o.driver_id = s.driver_id
        and o.lap = s.lap
)

select * from final
