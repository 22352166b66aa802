-- purpose: one constructor's season-by-season record (detail of /api/v1/constructors/{id}):
--          gold.constructor_season_summary as served; points and position are the
--          constructors' championship's (none before 1958: points 0, position null)
-- grain: one row per season the constructor entered
-- depends on: gold.constructor_season_summary
select
    season,
    driver_ids as drivers,
    starts,
    wins,
    podiums,
    poles,
    coalesce(points, 0.0) as points,
    championship_position as position
from gold.constructor_season_summary
where constructor_id = :constructor_id
order by season
