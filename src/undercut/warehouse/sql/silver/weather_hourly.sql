-- purpose: Open-Meteo hourly weather at a race's circuit around its start,
--          observed (archive API, basis 'observed') or forecast (basis 'forecast', latest fetch).
-- grain: season, round, basis, hour_at (UTC). Rows come from `undercut weather pull`.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as circuit_id,
    null::varchar as basis,
    null::timestamp as hour_at,
    null::double as temperature_c,
    null::double as precipitation_mm,
    null::double as precipitation_probability_pct,
    null::double as relative_humidity_pct,
    null::double as wind_speed_kph,
    null::timestamp as fetched_at
where false
