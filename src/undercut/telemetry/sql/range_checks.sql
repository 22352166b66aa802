-- purpose: car-data samples outside their physical ranges, per driver and channel (a
--          check: every row is a violation): speed 0-400 km/h, rpm 0-16,000, gear 0-8,
--          throttle 0-104 % (OpenF1 sends 104 for a car at rest), brake 0-100, DRS one of
--          OpenF1's codes (0-3 off, 8 eligible, 10/12/14 open).
-- grain: driver_id, channel.
-- depends on: silver/telemetry/car_data/season=/round=/session=/driver=/data.parquet
with samples as (
    select * from read_parquet(:files, hive_partitioning = true)
),

violations as (
    select driver as driver_id, 'speed_kph' as channel, speed_kph as value from samples
    where speed_kph not between 0 and 400
    union all
    select driver, 'rpm', rpm from samples where rpm not between 0 and 16000
    union all
    select driver, 'gear', gear from samples where gear not between 0 and 8
    union all
    select driver, 'throttle_pct', throttle_pct from samples where throttle_pct not between 0 and 104
    union all
    select driver, 'brake_pct', brake_pct from samples where brake_pct not between 0 and 100
    union all
    select driver, 'drs', drs from samples where drs not in (0, 1, 2, 3, 8, 9, 10, 12, 14)
),

final as (
    select driver_id, channel, count(*)::integer as failures, min(value) as lowest,
        max(value) as highest
    from violations
    group by driver_id, channel
)

select * from final order by driver_id, channel
