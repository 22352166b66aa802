-- gold.pit_stop_losses: time each Grand Prix pit stop cost, from OpenF1 timing.
-- grain: season, round, driver_id, stop_number.
-- loss_ms = in-lap + out-lap - 2 x the driver's median clean lap of the race: the time a
-- stop costs against staying out. Stops under a safety car or VSC (track_status of the
-- in-lap) cost less; pit_lane_ms is the time between the pit-lane timing lines.
-- depends on: silver.session_pits, silver.sessions, gold.race_laps, gold.race_pace
with pits as (
    select p.*
    from silver.session_pits as p
    inner join silver.sessions as s on s.session_key = p.session_key
    where s.session_name = 'Race' and p.season is not null and p.round is not null
        and p.driver_id is not null
),

laps as (select * from gold.race_laps),

pace as (select * from gold.race_pace),

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
        i.track_status
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
