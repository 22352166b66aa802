-- severity: error
-- file: results.csv
-- column: points
-- message: points must not be negative
select _line as line, points as value from archive.results where points < 0
