-- gold.driver_season_summary: one driver's season in numbers.
-- Grain: one row per (driver_id, season) with at least one race entry (race_results row).
--        starts follow gold.race_starts (a race started); poles are official poles;
--        fastest_laps exist in the archive from 2004 (and as the 1950-1959 point holder);
--        points are championship points after dropped scores and deductions
--        (gross_points: every point scored, race and sprint); dnfs are starts not
--        classified, disqualifications excluded; championship_position is the final
--        recomputed standing (provisional while the season runs).
-- incremental by: season
-- depends on: silver.race_results, silver.races, gold.race_starts, gold.official_poles,
--             gold.scored_results, gold.driver_standings, gold.fastest_laps
with entries as (select * from silver.race_results),

races as (select * from silver.races),

starts as (select * from gold.race_starts),

poles as (select * from gold.official_poles),

scored as (select * from gold.scored_results),

fastest_laps as (select * from gold.fastest_laps),

standings as (select * from gold.driver_standings),

entered as (
    select
        e.driver_id,
        e.season,
        count(distinct e.round)::integer as races_entered,
        string_agg(distinct e.constructor_id, ',' order by e.constructor_id)
            as constructor_ids
    from entries as e
    group by e.driver_id, e.season
),

started as (
    select
        driver_id,
        season,
        count(distinct round)::integer as starts,
        count(distinct round) filter (where position = 1)::integer as wins,
        count(*) filter (where position <= 3)::integer as podiums,
        count(*) filter (where not is_classified and position_text not in ('D', 'E'))::integer
            as dnfs,
        min(position)::integer as best_finish
    from starts
    group by driver_id, season
),

fastest as (
    select driver_id, season, count(distinct round)::integer as fastest_laps
    from fastest_laps
    group by driver_id, season
),

pole_counts as (
    select driver_id, season, count(*)::integer as poles
    from poles
    group by driver_id, season
),

gross as (
    select driver_id, season, sum(driver_points) as gross_points
    from scored
    group by driver_id, season
),

final_standing as (
    select driver_id, season, points, position
    from standings
    qualify round = max(round) over (partition by season)
),

final as (
    select
        en.driver_id,
        en.season,
        en.constructor_ids,
        en.races_entered,
        coalesce(st.starts, 0) as starts,
        coalesce(st.wins, 0) as wins,
        coalesce(st.podiums, 0) as podiums,
        coalesce(pc.poles, 0) as poles,
        coalesce(fa.fastest_laps, 0) as fastest_laps,
        coalesce(fs.points, 0.0) as points,
        coalesce(st.dnfs, 0) as dnfs,
        st.best_finish,
        fs.position as championship_position,
        coalesce(g.gross_points, 0.0) as gross_points
    from entered as en
    left join started as st on st.driver_id = en.driver_id and st.season = en.season
    left join pole_counts as pc on pc.driver_id = en.driver_id and pc.season = en.season
    left join fastest as fa on fa.driver_id = en.driver_id and fa.season = en.season
    left join gross as g on g.driver_id = en.driver_id and g.season = en.season
    left join final_standing as fs on fs.driver_id = en.driver_id and fs.season = en.season
)

select * from final
