-- purpose: every Grand Prix with its session start times and whether its
--          qualifying and result are known; the scheduler and the predict step read it.
-- grain: one row per race (season, round).
-- depends on: silver.races, silver.qualifying, silver.race_results
with races as (select * from silver.races),

qualifying as (
    select season, round, count(*) as qualifying_rows
    from silver.qualifying
    group by season, round
),

results as (
    select season, round, count(*) as result_rows
    from silver.race_results
    group by season, round
),

final as (
    select
        r.season,
        r.round,
        r.race_name,
        r.circuit_id,
        r.race_date,
        r.race_time,
        r.fp1_date,
        r.fp1_time,
        r.quali_date,
        r.quali_time,
        r.sprint_date,
        r.sprint_time,
        coalesce(q.qualifying_rows, 0) > 0 as has_qualifying,
        coalesce(res.result_rows, 0) > 0 as has_result
    from races as r
    left join qualifying as q on q.season = r.season and q.round = r.round
    left join results as res on res.season = r.season and res.round = r.round
)

select * from final
order by season, round
