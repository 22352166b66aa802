-- purpose: each constructor's Elo after every race (rating_after).
-- grain: one row per (season, round, constructor_id).
-- depends on: gold.constructor_elo_history
with history as (select * from gold.constructor_elo_history),

final as (
    select season, round, constructor_id, rating_after, races_before + 1 as starts_after
    from history
)

select * from final
order by season, round
