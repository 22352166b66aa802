-- purpose: one driver's OpenF1 car_data answers of one session (gzip JSON, every time
--          window of the pull) typed as received: a value of the wrong type becomes null
--          and marks its sample incomplete; `received` keeps the order of arrival.
-- grain: one row per record received (duplicates and records without a date included;
--   stream_issues.sql counts them, stream_samples.sql drops them).
-- depends on: bronze/openf1/<season>/telemetry/<session_key>/<driver_number>/car_data/*.json.gz
with raw as (
    select * from read_json(
        :files,
        format = 'array',
        compression = 'gzip',
        columns = {
            'date': 'varchar', 'speed': 'varchar', 'rpm': 'varchar', 'n_gear': 'varchar',
            'throttle': 'varchar', 'brake': 'varchar', 'drs': 'varchar'
        }
    )
),

typed as (
    select
        row_number() over () as received,
        (try_cast(date as timestamptz) at time zone 'UTC')::timestamp_ms as date,
        try_cast(speed as smallint) as speed_kph,
        try_cast(rpm as smallint) as rpm,
        try_cast(n_gear as tinyint) as gear,
        try_cast(throttle as tinyint) as throttle_pct,
        try_cast(brake as tinyint) as brake_pct,
        try_cast(drs as tinyint) as drs
    from raw
),

final as (
    select
        *,
        (speed_kph is null or rpm is null or gear is null or throttle_pct is null
            or brake_pct is null or drs is null) as is_incomplete
    from typed
)

select * from final
