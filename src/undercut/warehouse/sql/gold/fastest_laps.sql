-- purpose: who set the fastest lap of each race.
-- grain: one row per (season, round, driver_id) credited with the fastest race lap (several
--        only when they shared it). From the archive's fastest-lap ranks where it has them
--        (2004 on, with gaps); otherwise from the fastest-lap point where one was awarded
--        (1950-1959, and gaps such as Monaco 2024). 1960-2003 are not in the archive.
-- incremental by: season
-- depends on: silver.race_results, gold.scored_results
with results as (select * from silver.race_results),

scored as (select * from gold.scored_results),

recorded as (
    select season, round, driver_id, constructor_id, fastest_lap_time_ms as lap_time_ms,
        fastest_lap_time_text as lap_time_text, 'archive' as source
    from results
    where fastest_lap_rank = 1
),

from_points as (
    select s.season, s.round, s.driver_id, s.constructor_id, null::integer as lap_time_ms,
        null::varchar as lap_time_text, 'points' as source
    from scored as s
    where s.session = 'race' and s.is_fastest_lap_point
        and not exists (
            select 1 from recorded as r where r.season = s.season and r.round = s.round
        )
),

final as (
    select * from recorded
    union all
    select * from from_points
)

select * from final
