-- purpose: which seasons are over (every scheduled race has a result), so that
--          only finished championships count as titles.
-- grain: one row per season in silver.races.
-- incremental by: season
-- depends on: silver.races, silver.race_results
with races as (select * from silver.races),

results as (select distinct season, round from silver.race_results),

final as (
    select
        ra.season,
        count(*)::integer as scheduled_races,
        count(res.round)::integer as races_with_results,
        max(res.round)::integer as last_round_with_result,
        count(*) = count(res.round) as is_complete
    from races as ra
    left join results as res on res.season = ra.season and res.round = ra.round
    group by ra.season
)

select * from final
