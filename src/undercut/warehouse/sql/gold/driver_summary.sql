-- purpose: a driver's career in numbers: gold.competitor_summary (the
--        definitions drivers and constructors share) with the driver's identity and the
--        rounds of the first and last race entered.
-- grain: one row per silver.drivers driver.
-- depends on: silver.drivers, silver.race_results, silver.races, gold.competitor_summary
with drivers as (select * from silver.drivers),

entries as (select * from silver.race_results),

races as (select * from silver.races),

careers as (select * from gold.competitor_summary where kind = 'driver'),

span as (
    select
        e.driver_id,
        arg_min(e.season, (ra.race_date, e.round)) as first_season,
        arg_min(e.round, (ra.race_date, e.round)) as first_round,
        arg_max(e.season, (ra.race_date, e.round)) as last_season,
        arg_max(e.round, (ra.race_date, e.round)) as last_round
    from entries as e
    inner join races as ra on ra.season = e.season and ra.round = e.round
    group by e.driver_id
),

final as (
    select
        d.driver_id,
        d.code,
        d.given_name,
        d.family_name,
        d.nationality,
        d.date_of_birth,
        d.permanent_number,
        c.* exclude (kind, competitor_id, first_season, last_season),
        s.first_season,
        s.first_round,
        s.last_season,
        s.last_round
    from drivers as d
    inner join careers as c on c.competitor_id = d.driver_id
    left join span as s on s.driver_id = d.driver_id
)

select * from final
