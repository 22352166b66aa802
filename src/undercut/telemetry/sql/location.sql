-- purpose: one driver's OpenF1 location answers of one session (x, y, z in tenths of a
--          metre) typed as received, as car_data.sql does for car data.
-- grain: one row per record received.
-- depends on: bronze/openf1/<season>/telemetry/<session_key>/<driver_number>/location/*.json.gz
with raw as (
    select * from read_json(
        :files,
        format = 'array',
        compression = 'gzip',
        columns = {'date': 'varchar', 'x': 'varchar', 'y': 'varchar', 'z': 'varchar'}
    )
),

typed as (
    select
        row_number() over () as received,
        (try_cast(date as timestamptz) at time zone 'UTC')::timestamp_ms as date,
        try_cast(x as integer) as x,
        try_cast(y as integer) as y,
        try_cast(z as integer) as z
    from raw
),

final as (
    select *, (x is null or y is null or z is null) as is_incomplete
    from typed
)

select * from final
