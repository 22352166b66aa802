-- severity: warning
-- table: gold.race_pace
-- column: median_clean_lap_ms
-- message: a median clean race lap outside 55-200 s (timing data or lap classification is off)
select season, round, driver_id, median_clean_lap_ms as value
from gold.race_pace
where median_clean_lap_ms not between 55000 and 200000
order by season, round, driver_id
