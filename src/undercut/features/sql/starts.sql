-- purpose: every car that took the start, with its outcome (the training labels and
--          the raw material of form and pace features). Non-starters (did not qualify / withdrew) are
--          left out, as in gold.race_starts; a shared drive keeps the driver's best-placed car only.
-- grain: one row per (season, round, driver_id).
-- depends on: silver.race_results
with results as (select * from silver.race_results),

starters as (
    select
        season,
        round,
        driver_id,
        constructor_id,
        grid,
        position_order,
        points,
        position is not null as is_classified,
        fastest_lap_time_ms as fastest_lap_ms,
        row_number() over (
            partition by season, round, driver_id order by position_order
        ) as car_rank
    from results
    where status is null
        or status not in ('Did not qualify', 'Did not prequalify', 'Withdrew')
),

final as (
    select
        season, round, driver_id, constructor_id, grid, position_order, points, is_classified,
        fastest_lap_ms
    from starters
    where car_rank = 1
)

select * from final
order by season, round, position_order
