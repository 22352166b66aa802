-- purpose: career summary of every driver (the /api/v1/drivers list and detail, `undercut
--          stats driver`): gold.driver_summary as served, no figure recomputed here
--          (serving.documents names the columns a document shows)
-- grain: one row per driver
-- depends on: gold.driver_summary
select * from gold.driver_summary
