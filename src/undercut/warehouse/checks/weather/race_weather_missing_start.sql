-- severity: warning
-- table: silver.race_weather
-- column: temperature_c
-- message: weather was fetched for a race but has no value at its start hour
select season, round, basis, race_start_at as value
from silver.race_weather
where temperature_c is null
order by season, round
