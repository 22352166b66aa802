-- severity: warning
-- file: pit_stops.csv
-- column: milliseconds
-- message: a pit stop of zero or negative duration
select _line as line, milliseconds as value from archive.pit_stops where milliseconds <= 0
