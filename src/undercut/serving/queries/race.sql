-- purpose: one race of the calendar with its sessions
-- grain: one row (or none)
-- depends on: silver.races
select season, round, race_name, race_date, race_time, circuit_id, fp1_date, fp1_time,
       fp2_date, fp2_time, fp3_date, fp3_time, quali_date, quali_time, sprint_date,
       sprint_time
from silver.races
where season = :season and round = :round
