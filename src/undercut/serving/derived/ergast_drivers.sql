-- purpose: Every driver as the Ergast API lists drivers, with the keys it sorts them by (family
--          then given name, lower case, accents removed). Made once per served copy so that a
--          request does not compute the keys for every driver again.
-- grain: one row per driver (driver_id).
-- depends on: silver.drivers
select
    d.driver_id,
-- @_driver_columns
    strip_accents(lower(d.family_name)) as family_order,
    strip_accents(lower(d.given_name)) as given_order
from silver.drivers as d
order by d.driver_id
