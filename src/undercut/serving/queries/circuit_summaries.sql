-- purpose: every circuit's Grand Prix history (the /api/v1/circuits list and detail,
--          `undercut stats circuit`): gold.circuit_summary as served, no figure
--          recomputed here (serving.documents names the columns a document shows)
-- grain: one row per circuit
-- depends on: gold.circuit_summary
select * from gold.circuit_summary
