-- purpose: each driver's tyre stints in one race (OpenF1 timing)
-- grain: one row per driver and stint
-- depends on: gold.stint_summaries
select driver_id, stint_number, compound, lap_start, lap_end, laps, tyre_age_at_start
from gold.stint_summaries
where season = :season and round = :round
order by driver_id, stint_number
