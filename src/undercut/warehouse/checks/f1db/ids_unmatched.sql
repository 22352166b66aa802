-- severity: warning
-- table: silver.f1db_id_map
-- column: ergast_id
-- message: an F1DB id matches no warehouse id (its rows are left out of the F1DB tables)
select kind, f1db_id as value
from silver.f1db_id_map
where not is_matched
order by kind, f1db_id
