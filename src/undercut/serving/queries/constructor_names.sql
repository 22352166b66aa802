-- purpose: display names of every constructor (labels of the dashboard's tables and charts)
-- grain: one row per constructor
-- depends on: silver.constructors
select constructor_id, constructor_name
from silver.constructors
order by constructor_id
