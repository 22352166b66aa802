-- severity: error
-- table: gold.driver_standings, gold.constructor_standings
-- column: position
-- message: two competitors share a position in the recomputed standings
select concat(kind, ' ', season, ':', round, ' P', position) as value
from (
    select 'drivers' as kind, season, round, position from gold.driver_standings
    union all
    select 'constructors' as kind, season, round, position from gold.constructor_standings
)
group by kind, season, round, position
having count(*) > 1
