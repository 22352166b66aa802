-- severity: error
-- file: results.csv
-- column: grid
-- message: grid must be 0 (pit lane) or a slot number
select _line as line, grid as value from archive.results where grid < 0
