-- severity: warning
-- file: results.csv
-- column: positionOrder
-- message: two cars share a positionOrder in the same race
select min(_line) as line, concat(raceId, '/', positionOrder) as value
from archive.results
group by raceId, positionOrder
having count(*) > 1
