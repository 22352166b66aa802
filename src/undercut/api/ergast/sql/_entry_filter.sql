-- purpose: The path's filters on a race entry (constructor, driver, grid, finishing position,
--          fastest-lap rank, status) as one condition on the columns of the results table it
--          follows, included in the WHERE clause of every query that scopes entries.
-- grain: a condition, not a table.
-- depends on: constructor_id, driver_id, grid, position, fastest_lap_rank and status_id
--             columns of the filtered table
($constructor is null or constructor_id = $constructor)
    and ($driver is null or driver_id = $driver)
    and ($grid is null or grid = $grid)
    and ($position is null or position = $position)
    and ($fastest is null or fastest_lap_rank = $fastest)
    and ($status is null or status_id = $status)
