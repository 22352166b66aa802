-- purpose: a driver's or a constructor's career in numbers, by one set of
--        definitions for both (gold.driver_summary and gold.constructor_summary add their
--        kind's identity to it).
-- grain: one row per (kind, competitor_id) for every silver.drivers driver (kind 'driver')
--        and silver.constructors constructor (kind 'constructor'). Totals add up
--        gold.competitor_season_summary (zero for one who never entered a race);
--        championships count finished seasons won in the recomputed standings (which
--        classify competitors excluded from a championship last; constructors' from 1958);
--        elo is the rating after the latest race, elo_peak the highest it reached.
-- depends on: silver.drivers, silver.constructors, gold.competitor_season_summary,
--             gold.championship_standings, gold.season_status, gold.driver_elo_history,
--             gold.constructor_elo_history
with competitors as (
    select 'driver' as kind, driver_id as competitor_id from silver.drivers
    union all
    select 'constructor', constructor_id from silver.constructors
),

seasons as (select * from gold.competitor_season_summary),

standings as (select * from gold.championship_standings),

season_status as (select * from gold.season_status),

elo as (
    select 'driver' as kind, driver_id as competitor_id, season, round, race_date, rating_after
    from gold.driver_elo_history
    union all
    select 'constructor', constructor_id, season, round, race_date, rating_after
    from gold.constructor_elo_history
),

career as (
    select
        kind,
        competitor_id,
        sum(races_entered)::integer as races_entered,
        sum(starts)::integer as starts,
        sum(wins)::integer as wins,
        sum(podiums)::integer as podiums,
        sum(poles)::integer as poles,
        sum(fastest_laps)::integer as fastest_laps,
        sum(points) as points,
        sum(dnfs)::integer as dnfs,
        sum(gross_points) as gross_points,
        min(best_finish)::integer as best_finish,
        min(season)::integer as first_season,
        max(season)::integer as last_season
    from seasons
    group by kind, competitor_id
),

titles as (
    select
        case st.championship when 'drivers' then 'driver' else 'constructor' end as kind,
        st.competitor_id,
        count(*)::integer as championships
    from standings as st
    inner join season_status as ss
        on ss.season = st.season and ss.is_complete
        and st.round = ss.last_round_with_result
    where st.position = 1
    group by st.championship, st.competitor_id
),

latest_elo as (
    select
        kind,
        competitor_id,
        arg_max(rating_after, (race_date, season, round)) as elo,
        max(rating_after) as elo_peak
    from elo
    group by kind, competitor_id
),

final as (
    select
        co.kind,
        co.competitor_id,
        -- totals are zero for one who never entered a race
        coalesce(columns(c.* exclude (kind, competitor_id, best_finish, first_season,
            last_season)), 0),
        c.best_finish,
        c.first_season,
        c.last_season,
        coalesce(t.championships, 0) as championships,
        e.elo,
        e.elo_peak
    from competitors as co
    left join career as c on c.kind = co.kind and c.competitor_id = co.competitor_id
    left join titles as t on t.kind = co.kind and t.competitor_id = co.competitor_id
    left join latest_elo as e on e.kind = co.kind and e.competitor_id = co.competitor_id
)

select * from final
