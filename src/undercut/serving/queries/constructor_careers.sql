-- purpose: career summary of every constructor (the /api/v1/constructors list and detail)
-- grain: one row per constructor
-- points are gold.constructor_summary's: constructors' championship points (awarded from
-- 1958, none before; after dropped scores and deductions), not the sum of the team's
-- drivers' points, so the API and the gold layer give one figure.
-- depends on: silver.constructors, silver.race_results,
--             silver.qualifying, silver.constructor_standings, silver.races,
--             gold.race_starts, gold.constructor_elo_history, gold.constructor_summary
with constructors as (select * from silver.constructors),

entries as (
    select constructor_id, count(distinct season * 100 + round) as races_entered,
           min(season) as first_season, max(season) as last_season
    from silver.race_results
    group by constructor_id
),

starts as (
    select
        constructor_id,
        count(distinct season * 100 + round) as starts,
        count(distinct case when position = 1 then season * 100 + round end) as wins,
        count(*) filter (where position <= 3) as podiums,
        count(*) filter (where is_fastest_lap) as fastest_laps,
        count(*) filter (where not is_classified) as dnfs,
        min(position) as best_finish
    from gold.race_starts
    group by constructor_id
),

championship_points as (
    select constructor_id, points from gold.constructor_summary
),

poles as (
    select constructor_id, count(*) as poles
    from (
        -- @official_poles
    ) as official
    group by constructor_id
),

season_rounds as (
    select season, count(*) as scheduled from silver.races group by season
),

finished_rounds as (
    select season, count(distinct round) as finished from silver.race_results group by season
),

final_rounds as (
    select standings.season, max(standings.round) as round
    from silver.constructor_standings as standings
    inner join season_rounds on season_rounds.season = standings.season
    inner join finished_rounds on finished_rounds.season = standings.season
    where finished_rounds.finished >= season_rounds.scheduled
    group by standings.season
),

titles as (
    select standings.constructor_id, count(*) as championships
    from silver.constructor_standings as standings
    inner join final_rounds
        on final_rounds.season = standings.season and final_rounds.round = standings.round
    where standings.position = 1
    group by standings.constructor_id
),

elo_ranked as (
    select
        constructor_id,
        rating_after,
        row_number() over (partition by constructor_id order by season desc, round desc)
            as recency
    from gold.constructor_elo_history
),

elo as (
    select constructor_id,
           max(case when recency = 1 then rating_after end) as elo,
           max(rating_after) as elo_peak
    from elo_ranked
    group by constructor_id
),

final as (
    select
        constructors.constructor_id,
        constructors.constructor_name,
        constructors.nationality,
        coalesce(entries.races_entered, 0) as races_entered,
        coalesce(starts.starts, 0) as starts,
        coalesce(starts.wins, 0) as wins,
        coalesce(starts.podiums, 0) as podiums,
        coalesce(poles.poles, 0) as poles,
        coalesce(starts.fastest_laps, 0) as fastest_laps,
        coalesce(championship_points.points, 0) as points,
        coalesce(starts.dnfs, 0) as dnfs,
        starts.best_finish,
        entries.first_season,
        entries.last_season,
        coalesce(titles.championships, 0) as championships,
        elo.elo,
        elo.elo_peak
    from constructors
    left join entries on entries.constructor_id = constructors.constructor_id
    left join starts on starts.constructor_id = constructors.constructor_id
    left join championship_points
        on championship_points.constructor_id = constructors.constructor_id
    left join poles on poles.constructor_id = constructors.constructor_id
    left join titles on titles.constructor_id = constructors.constructor_id
    left join elo on elo.constructor_id = constructors.constructor_id
)

select * from final
