-- purpose: career summary of every constructor (the /api/v1/constructors list and detail,
--          `undercut stats constructor`): gold.constructor_summary as served, no figure
--          recomputed here
-- grain: one row per constructor
-- depends on: gold.constructor_summary
select
    constructor_id,
    constructor_name,
    nationality,
    races_entered,
    starts,
    wins,
    podiums,
    poles,
    fastest_laps,
    points,
    dnfs,
    best_finish,
    first_season,
    last_season,
    championships,
    elo,
    elo_peak
from gold.constructor_summary
