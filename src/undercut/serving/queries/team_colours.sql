-- purpose: every constructor's nationality and seeded colour eras (none: a fallback
--          colour), for the one team-colour lookup of the dashboard (serving/colours.py)
-- grain: one row per constructor and colour era (one row with a null era when unseeded)
-- depends on: silver.constructors, gold.constructor_colours
select c.constructor_id, c.nationality, k.first_season, k.last_season, k.colour
from silver.constructors as c
left join gold.constructor_colours as k on k.constructor_id = c.constructor_id
order by c.constructor_id, k.first_season
