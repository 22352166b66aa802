-- purpose: one row per race: conditions at the start and the most rain in the
--          race window (start hour to start + 2 h), observed when known, else the latest forecast.
-- grain: season, round. Rows come from `undercut weather pull`.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as circuit_id,
    null::varchar as basis,
    null::timestamp as race_start_at,
    null::boolean as is_start_time_estimated,
    null::double as temperature_c,
    null::double as relative_humidity_pct,
    null::double as wind_speed_kph,
    null::double as precipitation_mm,
    null::double as precipitation_probability_pct,
    null::double as window_max_precipitation_mm,
    null::double as window_total_precipitation_mm,
    null::double as window_max_precipitation_probability_pct,
    null::boolean as is_wet,
    null::timestamp as fetched_at
where false
