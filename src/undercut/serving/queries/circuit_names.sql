-- purpose: display names of every circuit (labels of the dashboard's tables)
-- grain: one row per circuit
-- depends on: silver.circuits
select circuit_id, circuit_name, locality, country
from silver.circuits
order by circuit_id
