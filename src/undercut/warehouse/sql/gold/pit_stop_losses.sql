-- gold.pit_stop_losses: time each Grand Prix pit stop cost.
-- grain: season, round, driver_id, stop_number.
-- loss_ms = in-lap + out-lap - 2 x the driver's median clean lap of the race: the time a
-- stop costs against staying out. Stops under a safety car or VSC (track_status of the
-- in-lap, OpenF1 only) cost less. Races with OpenF1 timing use its pit passages
-- (pit_lane_ms between the pit-lane timing lines, stop_ms stationary); races timed by
-- Ergast lap times use silver.pit_stops (pit_lane_ms its duration). source is the source
-- of the laps.
-- depends on: silver.session_pits, silver.sessions, silver.pit_stops, gold.race_laps,
--   gold.race_pace
with openf1_pits as (
    select p.season, p.round, p.driver_id, p.lap, p.pit_lane_ms, p.stop_ms
    from silver.session_pits as p
    inner join silver.sessions as s on s.session_key = p.session_key
    where s.session_name = 'Race' and p.season is not null and p.round is not null
        and p.driver_id is not null
),

laps as (select * from gold.race_laps),

pace as (select * from gold.race_pace),

ergast_timed as (
    select distinct season, round, driver_id from laps where source <> 'openf1'
),

ergast_pits as (
    select p.season, p.round, p.driver_id, p.lap, p.duration_ms as pit_lane_ms,
        null::integer as stop_ms
    from silver.pit_stops as p
    inner join ergast_timed as t
        on t.season = p.season and t.round = p.round and t.driver_id = p.driver_id
    where p.lap is not null
),

pits as (
    select * from openf1_pits
    union all
    select * from ergast_pits
),

final as (
    select
        p.season,
        p.round,
        p.driver_id,
        row_number() over (
            partition by p.season, p.round, p.driver_id order by p.lap
        )::integer as stop_number,
        p.lap,
        p.pit_lane_ms,
        p.stop_ms,
        i.lap_time_ms as in_lap_ms,
        o.lap_time_ms as out_lap_ms,
        pc.median_clean_lap_ms as reference_lap_ms,
        (i.lap_time_ms + o.lap_time_ms - 2 * pc.median_clean_lap_ms)::integer as loss_ms,
        i.track_status,
        coalesce(i.source, pc.source) as source
    from pits as p
    left join laps as i
        on i.season = p.season and i.round = p.round and i.driver_id = p.driver_id
        and i.lap = p.lap
    left join laps as o
        on o.season = p.season and o.round = p.round and o.driver_id = p.driver_id
        and o.lap = p.lap + 1
    left join pace as pc
        on pc.season = p.season and pc.round = p.round and pc.driver_id = p.driver_id
)

select * from final
