-- purpose: every pit stop of one race (its pit-stop timeline)
-- grain: one row per stop
-- depends on: gold.race_pit_stops
select driver_id, stop_number, lap, pit_lane_ms, stop_ms
from gold.race_pit_stops
where season = :season and round = :round
order by driver_id, lap
