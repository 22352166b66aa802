-- gold.constructor_season_summary: one constructor's season in numbers.
-- Grain: one row per (constructor_id, season) with at least one race entry. Car counts:
--        podiums, dnfs and fastest_laps count cars; starts and wins count races (a race
--        with a car started / won). points and championship_position come from the
--        recomputed constructors' standings (from 1958; null before), gross_points adds
--        every constructor point scored; driver_ids lists who drove for it (comma-joined).
-- incremental by: season
-- depends on: silver.race_results, gold.race_starts, gold.official_poles,
--             gold.fastest_laps, gold.constructor_standings
with entries as (select * from silver.race_results),

starts as (select * from gold.race_starts),

poles as (select * from gold.official_poles),

fastest_laps as (select * from gold.fastest_laps),

standings as (select * from gold.constructor_standings),

entered as (
    select
        constructor_id,
        season,
        count(distinct round)::integer as races_entered,
        string_agg(distinct driver_id, ',' order by driver_id) as driver_ids
    from entries
    group by constructor_id, season
),

started as (
    select
        constructor_id,
        season,
        count(distinct round)::integer as starts,
        count(distinct round) filter (where position = 1)::integer as wins,
        count(*) filter (where position <= 3)::integer as podiums,
        count(*) filter (where not is_classified and position_text not in ('D', 'E'))::integer
            as dnfs,
        min(position)::integer as best_finish
    from starts
    group by constructor_id, season
),

pole_counts as (
    select constructor_id, season, count(*)::integer as poles
    from poles
    group by constructor_id, season
),

fastest as (
    select constructor_id, season, count(distinct round)::integer as fastest_laps
    from fastest_laps
    group by constructor_id, season
),

final_standing as (
    select constructor_id, season, points, gross_points, position
    from standings
    qualify round = max(round) over (partition by season)
),

final as (
    select
        en.constructor_id,
        en.season,
        en.driver_ids,
        en.races_entered,
        coalesce(st.starts, 0) as starts,
        coalesce(st.wins, 0) as wins,
        coalesce(st.podiums, 0) as podiums,
        coalesce(pc.poles, 0) as poles,
        coalesce(fa.fastest_laps, 0) as fastest_laps,
        fs.points,
        coalesce(st.dnfs, 0) as dnfs,
        st.best_finish,
        fs.position as championship_position,
        fs.gross_points
    from entered as en
    left join started as st on st.constructor_id = en.constructor_id and st.season = en.season
    left join pole_counts as pc
        on pc.constructor_id = en.constructor_id and pc.season = en.season
    left join fastest as fa on fa.constructor_id = en.constructor_id and fa.season = en.season
    left join final_standing as fs
        on fs.constructor_id = en.constructor_id and fs.season = en.season
)

select * from final
