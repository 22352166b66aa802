-- purpose: a driver's or a constructor's season in numbers, by one
--        set of definitions for both (gold.driver_season_summary and
--        gold.constructor_season_summary select their kind from it).
-- grain: one row per (kind, competitor_id, season) with at least one race entry; kind is
--        'driver' or 'constructor'. starts and wins count races (a race with a car started
--        / won) and follow gold.race_starts (a race started); podiums, dnfs and
--        fastest_laps count cars (a driver who shared two cars in a race has two); poles
--        are official poles; fastest laps exist in the archive from 2004 (and as the
--        1950-1959 point holder); dnfs are starts not classified, disqualifications
--        excluded; points, gross_points and championship_position are the final (while the
--        season runs, the latest) recomputed standings of the kind's championship: after
--        dropped scores and deductions, and every point scored; constructors' only from
--        1958 (null before). partner_ids lists a driver's constructors, a constructor's
--        drivers (comma-joined).
-- incremental by: season
-- depends on: silver.race_results, gold.race_starts, gold.official_poles,
--             gold.fastest_laps, gold.championship_standings
with entries as (select * from silver.race_results),

starts as (select * from gold.race_starts),

poles as (select * from gold.official_poles),

fastest_laps as (select * from gold.fastest_laps),

standings as (select * from gold.championship_standings),

-- each fact once per kind, keyed by whom it counts for
keyed_entries as (
    select 'driver' as kind, driver_id as competitor_id, constructor_id as partner_id, *
    from entries
    union all
    select 'constructor', constructor_id, driver_id, * from entries
),

keyed_starts as (
    select 'driver' as kind, driver_id as competitor_id, * from starts
    union all
    select 'constructor', constructor_id, * from starts
),

keyed_poles as (
    select 'driver' as kind, driver_id as competitor_id, * from poles
    union all
    select 'constructor', constructor_id, * from poles
),

keyed_fastest_laps as (
    select 'driver' as kind, driver_id as competitor_id, * from fastest_laps
    union all
    select 'constructor', constructor_id, * from fastest_laps
),

entered as (
    select
        kind,
        competitor_id,
        season,
        count(distinct round)::integer as races_entered,
        string_agg(distinct partner_id, ',' order by partner_id) as partner_ids
    from keyed_entries
    group by kind, competitor_id, season
),

started as (
    select
        kind,
        competitor_id,
        season,
        count(distinct round)::integer as starts,
        count(distinct round) filter (where position = 1)::integer as wins,
        count(*) filter (where position <= 3)::integer as podiums,
        count(*) filter (where not is_classified and position_text not in ('D', 'E'))::integer
            as dnfs,
        min(position)::integer as best_finish
    from keyed_starts
    group by kind, competitor_id, season
),

pole_counts as (
    select kind, competitor_id, season, count(*)::integer as poles
    from keyed_poles
    group by kind, competitor_id, season
),

fastest as (
    select kind, competitor_id, season, count(distinct round)::integer as fastest_laps
    from keyed_fastest_laps
    group by kind, competitor_id, season
),

final_standing as (
    select
        case championship when 'drivers' then 'driver' else 'constructor' end as kind,
        competitor_id,
        season,
        points,
        gross_points,
        position
    from standings
    qualify round = max(round) over (partition by championship, season)
),

final as (
    select
        en.kind,
        en.competitor_id,
        en.season,
        en.partner_ids,
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
    left join started as st
        on st.kind = en.kind and st.competitor_id = en.competitor_id and st.season = en.season
    left join pole_counts as pc
        on pc.kind = en.kind and pc.competitor_id = en.competitor_id and pc.season = en.season
    left join fastest as fa
        on fa.kind = en.kind and fa.competitor_id = en.competitor_id and fa.season = en.season
    left join final_standing as fs
        on fs.kind = en.kind and fs.competitor_id = en.competitor_id and fs.season = en.season
)

select * from final
