-- purpose: one session's drivers with telemetry, fastest lap first (gold
--          telemetry_sessions), for the dashboard's choice of drivers.
-- grain: driver_id.
-- depends on: gold/telemetry_sessions/season=/round=/session=/data.parquet
select driver_id, code, fastest_lap_ms
from read_parquet(:path, hive_partitioning = false)
order by fastest_lap_ms nulls last, driver_id
