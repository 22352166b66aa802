-- purpose: A driver's columns as every Ergast answer shows them (after the row's own
--          driver_id), included by the derived tables that join silver.drivers as d.
-- grain: one driver.
-- depends on: silver.drivers
    d.permanent_number, d.code, d.url as driver_url, d.given_name,
    d.family_name, d.date_of_birth, d.nationality,
