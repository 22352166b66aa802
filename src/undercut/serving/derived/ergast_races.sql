-- purpose: Every race with its circuit and weekend schedule, as the Ergast API lists races.
--          Made once per served copy (snapshot load, publish) so that a request reads one
--          table instead of planning the same joins again.
-- grain: one row per race (season, round).
-- depends on: silver.races, silver.circuits
select
-- @_race_header
    ra.fp1_date,
    ra.fp1_time,
    ra.fp2_date,
    ra.fp2_time,
    ra.fp3_date,
    ra.fp3_time,
    ra.quali_date,
    ra.quali_time,
    ra.sprint_date,
    ra.sprint_time
from silver.races as ra
left join silver.circuits as ci on ci.circuit_id = ra.circuit_id
order by ra.season, ra.round
