-- purpose: each driver's sprint qualifying (shoot-out) best time and place.
-- grain: one row per (season, round, driver_id).
-- depends on: silver.sprint_qualifying_results
with sprint_qualifying as (select * from silver.sprint_qualifying_results),

final as (
    select
        season,
        round,
        driver_id,
        min(position) as sq_position,
        min(coalesce(best_lap_ms, least(q1_ms, q2_ms, q3_ms))) as sq_best_ms
    from sprint_qualifying
    where driver_id is not null
    group by season, round, driver_id
)

select * from final
order by season, round, sq_position
