-- purpose: The columns of a race as every Ergast listing heads it (race, date, circuit),
--          included by the derived tables that join silver.races as ra and silver.circuits
--          as ci.
-- grain: one race.
-- depends on: silver.races, silver.circuits
    ra.season,
    ra.round,
    ra.url as race_url,
    ra.race_name,
    ra.race_date,
    ra.race_time,
    ra.circuit_id,
    ci.url as circuit_url,
    ci.circuit_name,
    ci.lat,
    ci.lng,
    ci.locality,
    ci.country,
