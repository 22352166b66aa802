-- severity: error
-- file: sprint_results.csv
-- column: position
-- message: a classified position must be 1 or more
select _line as line, position as value from archive.sprint_results where position < 1
