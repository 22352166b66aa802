-- purpose: complete laps whose position trace does not close: the gap in metres between
--          the car's position at the lap's start and at its end (a check: rows returned
--          are the laps over :max_gap_m). Pit laps and laps without positions are skipped.
-- grain: driver_id, lap.
-- depends on: silver/telemetry/location/season=/round=/session=/driver=/data.parquet,
--   the session's laps (`laps`)
with ends as (
    select
        l.driver_id,
        l.lap,
        arg_min(p.x, p.date) as x0,
        arg_min(p.y, p.date) as y0,
        arg_max(p.x, p.date) as x1,
        arg_max(p.y, p.date) as y1
    from laps as l
    inner join read_parquet(:files, hive_partitioning = true) as p
        on p.driver = l.driver_id
        and p.date >= l.lap_started_at
        and p.date < l.lap_ended_at
    where not l.is_pit_in_lap and not l.is_pit_out_lap and l.lap > 1
    group by l.driver_id, l.lap
),

final as (
    select driver_id, lap, round(sqrt((x1 - x0) ^ 2 + (y1 - y0) ^ 2) / 10, 1) as gap_m
    from ends
)

select * from final where gap_m > :max_gap_m order by driver_id, lap
