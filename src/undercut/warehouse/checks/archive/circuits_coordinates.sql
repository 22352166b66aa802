-- severity: warning
-- file: circuits.csv
-- column: lat
-- message: coordinates outside the globe
select _line as line, concat(lat, ',', lng) as value
from archive.circuits
where lat not between -90 and 90 or lng not between -180 and 180
