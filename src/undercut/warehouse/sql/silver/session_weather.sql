-- purpose: track-side weather readings of an OpenF1 session (about 1/min).
-- grain: session_key, measured_at. Rows come from `undercut sessions pull`.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::integer as session_key,
    null::timestamp as measured_at,
    null::double as air_temperature_c,
    null::double as track_temperature_c,
    null::double as humidity_pct,
    null::double as pressure_mbar,
    null::boolean as is_raining,
    null::integer as wind_direction_deg,
    null::double as wind_speed_mps
where false
