-- severity: warning
-- table: openmeteo hourly
-- column: temperature_c
-- message: an hourly value outside physical bounds (temperature -40..60 C, precipitation 0..300 mm, humidity and probability 0..100 %, wind 0..400 km/h); set to null
select season, round, basis, hour_at as value
from openmeteo.hourly
where temperature_c not between -40 and 60
    or precipitation_mm not between 0 and 300
    or relative_humidity_pct not between 0 and 100
    or precipitation_probability_pct not between 0 and 100
    or wind_speed_kph not between 0 and 400
order by season, round, hour_at
