-- purpose: one driver's season-by-season record (detail of /api/v1/drivers/{id}):
--          gold.driver_season_summary as served; position is the final (or latest)
--          place in gold.driver_standings, as /api/v1/standings/{season}/drivers gives it
-- grain: one row per season the driver entered
-- depends on: gold.driver_season_summary
select
    season,
    constructor_ids as constructors,
    starts,
    wins,
    podiums,
    poles,
    points,
    championship_position as position
from gold.driver_season_summary
where driver_id = :driver_id
order by season
