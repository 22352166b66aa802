-- gold.constructor_summary: a constructor's history in numbers.
-- Grain: one row per silver.constructors constructor. Totals add up
--        gold.constructor_season_summary; championships count finished seasons won in the
--        recomputed constructors' standings (awarded from 1958); elo is the rating after
--        the latest race, elo_peak the highest it reached.
-- depends on: silver.constructors, gold.constructor_season_summary,
--             gold.constructor_standings, gold.season_status, gold.constructor_elo_history
with constructors as (select * from silver.constructors),

seasons as (select * from gold.constructor_season_summary),

standings as (select * from gold.constructor_standings),

season_status as (select * from gold.season_status),

elo as (select * from gold.constructor_elo_history),

history as (
    select
        constructor_id,
        sum(races_entered)::integer as races_entered,
        sum(starts)::integer as starts,
        sum(wins)::integer as wins,
        sum(podiums)::integer as podiums,
        sum(poles)::integer as poles,
        sum(fastest_laps)::integer as fastest_laps,
        coalesce(sum(points), 0.0) as points,
        sum(dnfs)::integer as dnfs,
        min(best_finish)::integer as best_finish,
        min(season)::integer as first_season,
        max(season)::integer as last_season
    from seasons
    group by constructor_id
),

titles as (
    select st.constructor_id, count(*)::integer as championships
    from standings as st
    inner join season_status as ss
        on ss.season = st.season and ss.is_complete
        and st.round = ss.last_round_with_result
    where st.position = 1
    group by st.constructor_id
),

latest_elo as (
    select constructor_id, arg_max(rating_after, (race_date, season, round)) as elo,
        max(rating_after) as elo_peak
    from elo
    group by constructor_id
),

final as (
    select
        c.constructor_id,
        c.constructor_name,
        c.nationality,
        coalesce(h.races_entered, 0) as races_entered,
        coalesce(h.starts, 0) as starts,
        coalesce(h.wins, 0) as wins,
        coalesce(h.podiums, 0) as podiums,
        coalesce(h.poles, 0) as poles,
        coalesce(h.fastest_laps, 0) as fastest_laps,
        coalesce(h.points, 0.0) as points,
        coalesce(h.dnfs, 0) as dnfs,
        h.best_finish,
        h.first_season,
        h.last_season,
        coalesce(t.championships, 0) as championships,
        e.elo,
        e.elo_peak
    from constructors as c
    left join history as h on h.constructor_id = c.constructor_id
    left join titles as t on t.constructor_id = c.constructor_id
    left join latest_elo as e on e.constructor_id = c.constructor_id
)

select * from final
