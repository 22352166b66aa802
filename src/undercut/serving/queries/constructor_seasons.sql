-- purpose: one constructor's season-by-season record
-- grain: one row per season the constructor entered
-- depends on: silver.race_results, silver.sprint_results, silver.constructor_standings,
--             silver.qualifying, gold.race_starts
with entries as (
    select season, string_agg(distinct driver_id, ',' order by driver_id) as drivers
    from silver.race_results
    where constructor_id = :constructor_id
    group by season
),

starts as (
    select
        season,
        count(distinct round) as starts,
        count(distinct case when position = 1 then round end) as wins,
        count(*) filter (where position <= 3) as podiums,
        sum(points) as race_points
    from gold.race_starts
    where constructor_id = :constructor_id
    group by season
),

sprints as (
    select season, sum(points) as sprint_points
    from silver.sprint_results
    where constructor_id = :constructor_id
    group by season
),

poles as (
    select season, count(*) as poles
    from (
        -- @official_poles
    ) as official
    where constructor_id = :constructor_id
    group by season
),

last_rounds as (
    select season, max(round) as round
    from silver.constructor_standings
    group by season
),

standing as (
    select standings.season, standings.position
    from silver.constructor_standings as standings
    inner join last_rounds
        on last_rounds.season = standings.season and last_rounds.round = standings.round
    where standings.constructor_id = :constructor_id
),

final as (
    select
        entries.season,
        entries.drivers,
        coalesce(starts.starts, 0) as starts,
        coalesce(starts.wins, 0) as wins,
        coalesce(starts.podiums, 0) as podiums,
        coalesce(poles.poles, 0) as poles,
        coalesce(starts.race_points, 0) + coalesce(sprints.sprint_points, 0) as points,
        standing.position
    from entries
    left join starts on starts.season = entries.season
    left join sprints on sprints.season = entries.season
    left join poles on poles.season = entries.season
    left join standing on standing.season = entries.season
    order by entries.season
)

select * from final
