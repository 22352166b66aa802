-- purpose: one driver's season in numbers (definitions: see
--        gold.competitor_season_summary, shared with the constructors).
-- grain: one row per (driver_id, season) with at least one race entry (race_results row);
--        constructor_ids lists the constructors driven for (comma-joined).
-- incremental by: season
-- depends on: gold.competitor_season_summary
select * exclude (kind) rename (competitor_id as driver_id, partner_ids as constructor_ids)
from gold.competitor_season_summary
where kind = 'driver'
