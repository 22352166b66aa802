-- severity: error
-- table: gold.official_poles
-- column: driver_id
-- message: a race has more than one official pole-sitter
select concat(season, ':', round) as value, count(*) as poles
from gold.official_poles
group by season, round
having count(*) > 1
