-- purpose: the pole position (with the pole sitter's qualifying time) and the fastest lap
--          (time and lap) of one race, for the top of its page
-- grain: one row per highlight: kind 'pole' (one at most) and 'fastest_lap' (several only
--        when shared); time_ms is null where the archive has no time, and for a pole
--        sitter who did not set the fastest qualifying time (pole awarded after penalties,
--        or by a sprint), whose own lap is not the pole time
-- depends on: gold.official_poles, gold.fastest_laps, silver.qualifying,
--   silver.race_results
with pole as (
    select 'pole' as kind, p.driver_id, p.constructor_id,
        case when p.driver_id = p.fastest_qualifier_id
            then coalesce(q.q3_ms, q.q2_ms, q.q1_ms) end as time_ms,
        cast(null as integer) as lap
    from gold.official_poles as p
    left join silver.qualifying as q
        on q.season = p.season and q.round = p.round and q.driver_id = p.driver_id
    where p.season = :season and p.round = :round
),

fastest as (
    select 'fastest_lap' as kind, f.driver_id, f.constructor_id, f.lap_time_ms as time_ms,
        r.fastest_lap as lap
    from gold.fastest_laps as f
    left join silver.race_results as r
        on r.season = f.season and r.round = f.round and r.driver_id = f.driver_id
        and r.constructor_id = f.constructor_id
    where f.season = :season and f.round = :round
)

select kind, driver_id, constructor_id, time_ms, lap from pole
union all
select kind, driver_id, constructor_id, time_ms, lap from fastest
order by kind desc, driver_id
