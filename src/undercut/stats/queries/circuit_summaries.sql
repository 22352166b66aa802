-- purpose: every circuit's Grand Prix history with its race lap record, most successful
--          driver and constructor and pole-to-win rate (from gold.circuit_summary)
-- grain: one row per circuit; :circuit_id (null for all) narrows it to one
-- depends on: gold.circuit_summary
select
    circuit_id,
    circuit_name,
    locality,
    country,
    races_held,
    first_season,
    last_season,
    lap_record_text,
    lap_record_ms,
    lap_record_driver_id,
    lap_record_season,
    top_driver_id,
    top_driver_wins,
    top_constructor_id,
    top_constructor_wins,
    pole_to_win_rate
from gold.circuit_summary
where :circuit_id is null or circuit_id = :circuit_id
order by races_held desc, circuit_id
