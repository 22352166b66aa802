-- purpose: race-day weather over the race window, from Open-Meteo (observed for a
--          race run, the latest forecast for one to come). Only races with weather pulled have a row.
-- grain: one row per (season, round).
-- depends on: silver.race_weather
with weather as (select * from silver.race_weather),

final as (
    select
        season,
        round,
        window_total_precipitation_mm as rain_mm,
        window_max_precipitation_probability_pct as rain_chance_pct,
        temperature_c as air_temp_c
    from weather
)

select * from final
order by season, round
