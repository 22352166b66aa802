-- purpose: one session's laps with telemetry as the lake has them (gold telemetry_laps:
--          window, lap time, pit flags, speed traps), optionally one driver's, by code or
--          driver id: how a lap is found without the warehouse.
-- grain: driver_id, lap.
-- depends on: gold/telemetry_laps/season=/round=/session=/data.parquet
select *
from read_parquet(:path, hive_partitioning = false)
where :driver is null or driver_id = lower(:driver) or upper(code) = upper(:driver)
order by driver_id, lap
