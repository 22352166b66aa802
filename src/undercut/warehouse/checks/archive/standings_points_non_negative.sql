-- severity: error
-- file: driver_standings.csv
-- column: points
-- message: standings points must not be negative
select _line as line, points as value from archive.driver_standings where points < 0
