-- purpose: the next race to be run, the one worth predicting: the first of the calendar after
--          the newest race with results (last_race; a race left behind it without results,
--          cancelled or not loaded, is not next). The one definition: `predict --next`,
--          the scheduler, /api/v1/next-race and the dashboard all read it.
-- grain: one row (or none when every scheduled race has results)
-- depends on: silver.races, silver.race_results
with latest as (
    select coalesce(max(season * 100 + round), 0) as race_key
    from (
-- @last_race
    ) as last_race
)

select season, round, race_name, race_date, race_time, circuit_id, fp1_date, fp1_time,
       fp2_date, fp2_time, fp3_date, fp3_time, quali_date, quali_time, sprint_date,
       sprint_time
from silver.races as races
where races.season * 100 + races.round > (select race_key from latest)
order by season, round
limit 1
