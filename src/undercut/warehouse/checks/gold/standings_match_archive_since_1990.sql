-- severity: warning
-- table: gold.standings_differences
-- column: computed_points
-- message: recomputed standings differ from the archive's own standings (since 1990)
select concat(kind, ' ', season, ' ', driver_or_constructor_id) as value
from gold.standings_differences
where season >= 1990
