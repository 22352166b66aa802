-- severity: error
-- table: gold.scored_results
-- column: driver_points
-- message: a result scored negative points
select concat(session, ' ', season, ':', round, ' ', driver_id) as value
from gold.scored_results
where driver_points < 0 or constructor_points < 0
