-- purpose: display names of every driver (labels of the dashboard's tables and charts)
-- grain: one row per driver
-- depends on: silver.drivers
select driver_id, code, given_name, family_name
from silver.drivers
order by driver_id
