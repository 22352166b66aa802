-- severity: error
-- file: races.csv
-- column: year
-- message: season outside 1950 .. next year
select _line as line, year as value
from archive.races
where year < 1950 or year > extract(year from current_date) + 1
