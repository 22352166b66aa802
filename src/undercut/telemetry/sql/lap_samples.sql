-- purpose: one stream's samples of one driver between two instants, read in place from
--          its silver Parquet partition (a margin around a lap, for interpolation).
-- grain: date.
-- depends on: silver/telemetry/<stream>/season=/round=/session=/driver=/data.parquet
select *
from read_parquet(:path, hive_partitioning = false)
where date between :since and :until
order by date
