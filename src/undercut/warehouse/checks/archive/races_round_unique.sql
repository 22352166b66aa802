-- severity: error
-- file: races.csv
-- column: round
-- message: two races share the same season and round
select max(_line) as line, concat(year, ':', round) as value
from archive.races
group by year, round
having count(*) > 1
