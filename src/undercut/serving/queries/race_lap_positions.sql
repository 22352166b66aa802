-- purpose: each driver's position and gap to the leader at the end of every lap of one
--          race (its lap chart and gap chart)
-- grain: one row per driver and lap
-- depends on: gold.race_lap_positions
select driver_id, lap, position, gap_to_leader_ms
from gold.race_lap_positions
where season = :season and round = :round
order by driver_id, lap
