-- purpose: pit-stop times per team and season.
-- grain: one row per (season, constructor_id) with timed stops (the archive has them from
--        2011). A stop's time is the pit-lane time the archive records (entry to exit),
--        so the median is robust to the long stops of red-flag periods that the mean is
--        not; fastest_stop_ms is the quickest single stop.
-- incremental by: season
-- depends on: silver.pit_stops, silver.race_results
with pit_stops as (select * from silver.pit_stops),

results as (select * from silver.race_results),

team_stops as (
    select
        p.season,
        r.constructor_id,
        p.duration_ms
    from pit_stops as p
    inner join results as r
        on r.season = p.season and r.round = p.round and r.driver_id = p.driver_id
    where p.duration_ms is not null and p.duration_ms > 0
),

final as (
    select
        season,
        constructor_id,
        count(*)::integer as stops,
        median(duration_ms)::double as median_stop_ms,
        min(duration_ms)::integer as fastest_stop_ms
    from team_stops
    group by season, constructor_id
)

select * from final
