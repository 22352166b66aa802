-- purpose: a season's calendar with each race's winner (as gold.race_summaries credits it: a
--          shared winning car's first-listed driver) and which results exist
-- grain: one row per race of the season
-- depends on: gold.race_summaries, silver.qualifying
with qualified as (
    select distinct round from silver.qualifying where season = :season
),

final as (
    select
        rs.round,
        rs.race_name,
        rs.race_date,
        rs.circuit_id,
        rs.winner_driver_id as winner,
        rs.has_result,
        qualified.round is not null as has_qualifying
    from gold.race_summaries as rs
    left join qualified on qualified.round = rs.round
    where rs.season = :season
    order by rs.round
)

select * from final
