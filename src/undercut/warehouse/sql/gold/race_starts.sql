-- purpose: every car that took the start of a Grand Prix, with its finishing order.
-- grain: one row per silver.race_results row whose driver started (shared drives give a
--        driver two rows in one race). Non-starters (did not (pre-)qualify, withdrew) are
--        left out: a start is a race started, as official statistics count it.
-- incremental by: season
-- depends on: silver.race_results, silver.races
with results as (select * from silver.race_results),

races as (select * from silver.races),

final as (
    select
        res.season,
        res.round,
        ra.race_date,
        ra.circuit_id,
        res.driver_id,
        res.constructor_id,
        res.grid,
        res.position,
        res.position_text,
        res.position_order,
        res.points,
        res.laps,
        res.status,
        res.position is not null as is_classified,
        res.fastest_lap_rank = 1 as is_fastest_lap
    from results as res
    inner join races as ra on ra.season = res.season and ra.round = res.round
    where res.status is null
        or res.status not in ('Did not qualify', 'Did not prequalify', 'Withdrew')
)

select * from final
