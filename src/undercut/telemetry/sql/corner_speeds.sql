-- purpose: each lap's minimum speed at each corner of the session: the slowest car-data
--          sample within ±1.5 % of the lap (relative distance, integrated from speed) of
--          the corner's apex on the session's fastest lap.
-- grain: driver_id, lap, corner.
-- depends on: silver/telemetry/car_data/season=/round=/session=/driver=/data.parquet,
--   the session's laps (`laps`), the corners found on the fastest lap (`corners`)
with samples as (
    select
        l.driver_id,
        l.lap,
        c.date,
        c.speed_kph,
        least(epoch(lead(c.date) over (partition by l.driver_id, l.lap order by c.date) - c.date), 1.0)
            as dt_s
    from laps as l
    inner join read_parquet(:files, hive_partitioning = true) as c
        on c.driver = l.driver_id
        and c.date >= l.lap_started_at
        and c.date < l.lap_ended_at
),

travelled as (
    select
        *,
        sum(speed_kph / 3.6 * coalesce(dt_s, 0)) over (
            partition by driver_id, lap order by date rows unbounded preceding
        ) as distance_m
    from samples
),

relative as (
    select
        *,
        distance_m / nullif(max(distance_m) over (partition by driver_id, lap), 0)
            as relative_distance
    from travelled
),

final as (
    select
        r.driver_id,
        r.lap,
        k.corner,
        min(r.speed_kph)::integer as min_speed_kph
    from relative as r
    inner join corners as k
        on r.relative_distance between k.relative_distance - 0.015 and k.relative_distance + 0.015
    group by r.driver_id, r.lap, k.corner
)

select * from final order by driver_id, lap, corner
