-- gold.driver_summary: a driver's career in numbers.
-- Grain: one row per silver.drivers driver. Totals add up gold.driver_season_summary;
--        first/last race is the first/last race entered; championships count finished
--        seasons the driver won in the recomputed standings (which classify drivers
--        excluded from a championship last); elo is the rating after the latest race,
--        elo_peak the highest it reached.
-- depends on: silver.drivers, silver.race_results, silver.races,
--             gold.driver_season_summary, gold.driver_standings, gold.season_status,
--             gold.driver_elo_history
with drivers as (select * from silver.drivers),

entries as (select * from silver.race_results),

races as (select * from silver.races),

seasons as (select * from gold.driver_season_summary),

standings as (select * from gold.driver_standings),

season_status as (select * from gold.season_status),

elo as (select * from gold.driver_elo_history),

career as (
    select
        driver_id,
        sum(races_entered)::integer as races_entered,
        sum(starts)::integer as starts,
        sum(wins)::integer as wins,
        sum(podiums)::integer as podiums,
        sum(poles)::integer as poles,
        sum(fastest_laps)::integer as fastest_laps,
        sum(points) as points,
        sum(dnfs)::integer as dnfs,
        min(best_finish)::integer as best_finish,
        sum(gross_points) as gross_points
    from seasons
    group by driver_id
),

span as (
    select
        e.driver_id,
        arg_min(e.season, (ra.race_date, e.round)) as first_season,
        arg_min(e.round, (ra.race_date, e.round)) as first_round,
        arg_max(e.season, (ra.race_date, e.round)) as last_season,
        arg_max(e.round, (ra.race_date, e.round)) as last_round
    from entries as e
    inner join races as ra on ra.season = e.season and ra.round = e.round
    group by e.driver_id
),

titles as (
    select st.driver_id, count(*)::integer as championships
    from standings as st
    inner join season_status as ss
        on ss.season = st.season and ss.is_complete
        and st.round = ss.last_round_with_result
    where st.position = 1
    group by st.driver_id
),

latest_elo as (
    select driver_id, arg_max(rating_after, (race_date, season, round)) as elo,
        max(rating_after) as elo_peak
    from elo
    group by driver_id
),

final as (
    select
        d.driver_id,
        d.code,
        d.given_name,
        d.family_name,
        d.nationality,
        d.date_of_birth,
        coalesce(c.races_entered, 0) as races_entered,
        coalesce(c.starts, 0) as starts,
        coalesce(c.wins, 0) as wins,
        coalesce(c.podiums, 0) as podiums,
        coalesce(c.poles, 0) as poles,
        coalesce(c.fastest_laps, 0) as fastest_laps,
        coalesce(c.points, 0.0) as points,
        coalesce(c.dnfs, 0) as dnfs,
        c.best_finish,
        s.first_season,
        s.first_round,
        s.last_season,
        s.last_round,
        coalesce(t.championships, 0) as championships,
        e.elo,
        e.elo_peak,
        coalesce(c.gross_points, 0.0) as gross_points,
        d.permanent_number
    from drivers as d
    left join career as c on c.driver_id = d.driver_id
    left join span as s on s.driver_id = d.driver_id
    left join titles as t on t.driver_id = d.driver_id
    left join latest_elo as e on e.driver_id = d.driver_id
)

select * from final
