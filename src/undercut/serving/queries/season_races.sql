-- purpose: a season's calendar with each race's winner and which results exist
-- grain: one row per race of the season
-- depends on: silver.races, silver.race_results, silver.qualifying
with races as (
    select * from silver.races where season = :season
),

winners as (
    select round, min(driver_id) as winner
    from silver.race_results
    where season = :season and position = 1
    group by round
),

resulted as (
    select distinct round from silver.race_results where season = :season
),

qualified as (
    select distinct round from silver.qualifying where season = :season
),

final as (
    select
        races.round,
        races.race_name,
        races.race_date,
        races.circuit_id,
        winners.winner,
        resulted.round is not null as has_result,
        qualified.round is not null as has_qualifying
    from races
    left join winners on winners.round = races.round
    left join resulted on resulted.round = races.round
    left join qualified on qualified.round = races.round
    order by races.round
)

select * from final
