-- purpose: silver.weather_hourly from staged Open-Meteo responses: the hours from 3 h before to
--          4 h after each race's start; for forecasts only the most recent fetch of each race.
-- grain: season, round, basis, hour_at.
-- Values outside physical bounds are nulled (and reported by checks/weather).
-- depends on: openmeteo.hourly, openmeteo.races
with hourly as (
    select * from openmeteo.hourly
    qualify dense_rank() over (
        partition by season, round, basis order by fetched_at desc nulls last, _file desc
    ) = 1
),

races as (select * from openmeteo.races),

final as (
    select
        h.season::integer as season,
        h.round::integer as round,
        r.circuit_id,
        h.basis,
        h.hour_at,
        case when h.temperature_c between -40 and 60 then h.temperature_c end
            as temperature_c,
        case when h.precipitation_mm between 0 and 300 then h.precipitation_mm end
            as precipitation_mm,
        case when h.precipitation_probability_pct between 0 and 100
            then h.precipitation_probability_pct end as precipitation_probability_pct,
        case when h.relative_humidity_pct between 0 and 100 then h.relative_humidity_pct end
            as relative_humidity_pct,
        case when h.wind_speed_kph between 0 and 400 then h.wind_speed_kph end
            as wind_speed_kph,
        h.fetched_at
    from hourly as h
    inner join races as r on r.season = h.season and r.round = h.round
    where h.hour_at between date_trunc('hour', r.race_start_at) - interval 3 hour
        and date_trunc('hour', r.race_start_at) + interval 4 hour
    qualify row_number() over (
        partition by h.season, h.round, h.basis, h.hour_at order by h._file desc, h._row
    ) = 1
)

select * from final
