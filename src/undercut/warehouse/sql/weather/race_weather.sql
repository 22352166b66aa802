-- purpose: one row per race with weather, observed when the archive has the
--          start hour, else the latest forecast.
-- grain: season, round.
-- At the start: temperature, humidity and wind at the start hour; precipitation (and its
-- probability) of the hour the race starts in. Race window: the two hours after the start
-- hour (Open-Meteo precipitation is the sum over the preceding hour), which covers a
-- Grand Prix's usual 90-120 minutes. is_wet: at least 1 mm in the window.
-- depends on: silver.weather_hourly, openmeteo.races
with hourly as (select * from silver.weather_hourly),

races as (select * from openmeteo.races),

start_hours as (
    select r.*, date_trunc('hour', r.race_start_at) as start_hour from races as r
),

observed_start as (
    select h.season, h.round
    from hourly as h
    inner join start_hours as s
        on s.season = h.season and s.round = h.round and h.hour_at = s.start_hour
    where h.basis = 'observed' and h.temperature_c is not null
),

chosen as (
    select s.*,
        case when o.season is not null then 'observed' else 'forecast' end as basis
    from start_hours as s
    left join observed_start as o on o.season = s.season and o.round = s.round
),

summary as (
    select
        c.season,
        c.round,
        c.circuit_id,
        c.basis,
        c.race_start_at,
        c.is_start_time_estimated,
        any_value(h.temperature_c) filter (where h.hour_at = c.start_hour) as temperature_c,
        any_value(h.relative_humidity_pct) filter (where h.hour_at = c.start_hour)
            as relative_humidity_pct,
        any_value(h.wind_speed_kph) filter (where h.hour_at = c.start_hour) as wind_speed_kph,
        any_value(h.precipitation_mm) filter (where h.hour_at = c.start_hour + interval 1 hour)
            as precipitation_mm,
        any_value(h.precipitation_probability_pct)
            filter (where h.hour_at = c.start_hour + interval 1 hour)
            as precipitation_probability_pct,
        max(h.precipitation_mm) filter (where h.hour_at > c.start_hour
            and h.hour_at <= c.start_hour + interval 2 hour) as window_max_precipitation_mm,
        sum(h.precipitation_mm) filter (where h.hour_at > c.start_hour
            and h.hour_at <= c.start_hour + interval 2 hour) as window_total_precipitation_mm,
        max(h.precipitation_probability_pct) filter (where h.hour_at > c.start_hour
            and h.hour_at <= c.start_hour + interval 2 hour)
            as window_max_precipitation_probability_pct,
        max(h.fetched_at) as fetched_at
    from chosen as c
    inner join hourly as h
        on h.season = c.season and h.round = c.round and h.basis = c.basis
    group by c.season, c.round, c.circuit_id, c.basis, c.race_start_at,
        c.is_start_time_estimated, c.start_hour
),

final as (
    select
        season::integer as season,
        round::integer as round,
        circuit_id,
        basis,
        race_start_at,
        is_start_time_estimated,
        temperature_c,
        relative_humidity_pct,
        wind_speed_kph,
        precipitation_mm,
        precipitation_probability_pct,
        window_max_precipitation_mm,
        window_total_precipitation_mm,
        window_max_precipitation_probability_pct,
        window_total_precipitation_mm >= 1.0 as is_wet,
        fetched_at
    from summary
)

select * from final
