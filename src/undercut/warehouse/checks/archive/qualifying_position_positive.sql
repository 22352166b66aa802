-- severity: error
-- file: qualifying.csv
-- column: position
-- message: a qualifying position must be 1 or more
select _line as line, position as value from archive.qualifying where position < 1
