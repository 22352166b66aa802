-- severity: warning
-- file: races.csv
-- column: date
-- message: race date falls outside its season's year
select _line as line, date as value from archive.races where extract(year from date) <> year
