-- purpose: the first race of the calendar that has no results yet
-- grain: one row (or none when every scheduled race has results)
-- depends on: silver.races, silver.race_results
select season, round, race_name, race_date, race_time, circuit_id, fp1_date, fp1_time,
       fp2_date, fp2_time, fp3_date, fp3_time, quali_date, quali_time, sprint_date,
       sprint_time
from silver.races as races
where not exists (
    select 1 from silver.race_results as res
    where res.season = races.season and res.round = races.round
)
order by season, round
limit 1
