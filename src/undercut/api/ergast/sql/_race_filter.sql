-- purpose: The path's race filters (season, round, circuit) as one condition on the columns of
--          the table it follows, included in the WHERE clause of every query that scopes races.
-- grain: a condition, not a table.
-- depends on: season, round and circuit_id columns of the filtered table
($season is null or season = $season)
    and ($round is null or round = $round)
    and ($circuit is null or circuit_id = $circuit)
