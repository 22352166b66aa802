-- purpose: career summary of every driver (the /api/v1/drivers list and detail, `undercut
--          stats driver`): gold.driver_summary as served, no figure recomputed here
-- grain: one row per driver
-- depends on: gold.driver_summary
select
    driver_id,
    code,
    permanent_number,
    given_name,
    family_name,
    nationality,
    date_of_birth,
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
from gold.driver_summary
