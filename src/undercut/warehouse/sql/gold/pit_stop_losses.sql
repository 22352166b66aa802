-- purpose: time each Grand Prix pit stop cost against staying out.
-- grain: season, round, driver_id, stop_number.
-- loss_ms = in-lap + out-lap - 2 x the driver's median clean lap of the race
-- (reference_lap_ms) - field_delta_ms, where field_delta_ms is how much slower than their
-- own median the drivers who stayed out ran those two laps (the median over them; 0 when
-- nobody did). Under a safety car or VSC (track_status of the in-lap, OpenF1 only) the
-- whole field is slow, so the stop costs less and field_delta_ms says by how much.
-- Races with OpenF1 timing use its pit passages (pit_lane_ms between the pit-lane timing
-- lines, stop_ms stationary); races timed by Ergast lap times use silver.pit_stops
-- (pit_lane_ms its duration). source is the source of the laps.
-- incremental by: season
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

-- how far each lap of a driver not entering or leaving the pits was off their median
stayed_out as (
    select l.season, l.round, l.driver_id, l.lap,
        l.lap_time_ms - pc.median_clean_lap_ms as delta_ms
    from laps as l
    inner join pace as pc
        on pc.season = l.season and pc.round = l.round and pc.driver_id = l.driver_id
    where not l.is_pit_in_lap and not l.is_pit_out_lap and l.lap_time_ms is not null
        and pc.median_clean_lap_ms is not null
),

-- the same over two consecutive laps, each lap's with the next one's: one join to the pit
-- stops instead of two keeps the plan simple for any join order
stayed_out_two_laps as (
    select
        season, round, driver_id, lap,
        delta_ms + lead(delta_ms) over next_lap as delta_ms,
        lead(lap) over next_lap = lap + 1 as has_next_lap
    from stayed_out
    window next_lap as (partition by season, round, driver_id order by lap)
),

field as (
    select p.season, p.round, p.driver_id, p.lap,
        median(a.delta_ms) as field_delta_ms
    from pits as p
    inner join stayed_out_two_laps as a
        on a.season = p.season and a.round = p.round and a.lap = p.lap
        and a.driver_id <> p.driver_id and a.has_next_lap
    group by p.season, p.round, p.driver_id, p.lap
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
        round(coalesce(f.field_delta_ms, 0))::integer as field_delta_ms,
        round(i.lap_time_ms + o.lap_time_ms - 2 * pc.median_clean_lap_ms
            - coalesce(f.field_delta_ms, 0))::integer as loss_ms,
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
    left join field as f
        on f.season = p.season and f.round = p.round and f.driver_id = p.driver_id
        and f.lap = p.lap
)

select * from final
