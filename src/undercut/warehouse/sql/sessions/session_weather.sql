-- purpose: silver.session_weather from OpenF1 weather (track-side station, about one reading a
--          minute; wind in m/s, rainfall a 0/1 flag).
-- grain: session_key, measured_at (duplicates keep the first record received).
-- depends on: openf1.weather, silver.sessions
with weather as (
    select * from openf1.weather
    qualify row_number() over (partition by session_key, date order by _file, _row) = 1
),

final as (
    select
        s.season,
        s.round,
        w.session_key::integer as session_key,
        w.date as measured_at,
        w.air_temperature as air_temperature_c,
        w.track_temperature as track_temperature_c,
        w.humidity as humidity_pct,
        w.pressure as pressure_mbar,
        w.rainfall > 0 as is_raining,
        w.wind_direction::integer as wind_direction_deg,
        w.wind_speed as wind_speed_mps
    from weather as w
    left join silver.sessions as s on s.session_key = w.session_key
)

select * from final
