-- purpose: every circuit's Grand Prix history (the /api/v1/circuits list and detail,
--          `undercut stats circuit`): gold.circuit_summary as served, no figure
--          recomputed here
-- grain: one row per circuit
-- depends on: gold.circuit_summary
select
    circuit_id,
    circuit_name,
    locality,
    country,
    lat,
    lng,
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
