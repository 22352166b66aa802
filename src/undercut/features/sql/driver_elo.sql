-- purpose: each driver's Elo after every race started (rating_after), with the
--          number of starts behind it; a race uses the latest row strictly before it.
-- grain: one row per (season, round, driver_id).
-- depends on: gold.driver_elo_history
with history as (select * from gold.driver_elo_history),

final as (
    select season, round, driver_id, rating_after, races_before + 1 as starts_after
    from history
)

select * from final
order by season, round
