-- purpose: the newest race that has results (data freshness, `predict --last`, the race
--          after it is next_race)
-- grain: one row (or none on an empty warehouse)
-- depends on: silver.races, silver.race_results
with finished as (
    select distinct season, round from silver.race_results
),

final as (
    select races.season, races.round, races.race_name, races.race_date
    from silver.races as races
    inner join finished
        on finished.season = races.season and finished.round = races.round
    order by races.season desc, races.round desc
    limit 1
)

select * from final
