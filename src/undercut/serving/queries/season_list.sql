-- purpose: the seasons that have race results (the dashboard's season picker)
-- grain: one row per season
-- depends on: silver.race_results
select distinct season
from silver.race_results
order by season
