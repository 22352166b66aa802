-- severity: warning
-- table: silver.session_drivers
-- column: driver_id
-- message: an OpenF1 driver could not be matched to exactly one warehouse driver
select session_key, driver_number as value, name_acronym, full_name
from silver.session_drivers
where driver_id is null
order by session_key, driver_number
