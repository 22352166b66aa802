-- purpose: career summary of every constructor (the /api/v1/constructors list and detail,
--          `undercut stats constructor`): gold.constructor_summary as served, no figure
--          recomputed here (serving.documents names the columns a document shows)
-- grain: one row per constructor
-- depends on: gold.constructor_summary
select * from gold.constructor_summary
