-- purpose: one constructor's season in numbers (definitions: see
--        gold.competitor_season_summary, shared with the drivers).
-- grain: one row per (constructor_id, season) with at least one race entry; driver_ids
--        lists who drove for it (comma-joined); points, gross_points and
--        championship_position are null before 1958 (no constructors' championship).
-- incremental by: season
-- depends on: gold.competitor_season_summary
select * exclude (kind) rename (competitor_id as constructor_id, partner_ids as driver_ids)
from gold.competitor_season_summary
where kind = 'constructor'
