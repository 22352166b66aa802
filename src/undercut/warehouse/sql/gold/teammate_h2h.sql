-- purpose: how each driver fared against each teammate, per season.
-- grain: one row per (season, constructor_id, driver_id, teammate_id), for every pair who
--        both took the start for the same constructor in at least one race (both
--        directions present). Qualifying compares the qualifying classification where the
--        archive has it (1994 on), else the starting grid (pit-lane starts excluded); the
--        race compares the finishing order. A driver with two cars in one race (shared
--        drives) counts once, with his best car.
-- incremental by: season
-- depends on: gold.race_starts, silver.qualifying
with starts as (select * from gold.race_starts),

qualifying as (select * from silver.qualifying),

per_car as (
    select
        s.season,
        s.round,
        s.constructor_id,
        s.driver_id,
        min(s.position_order) as finish_order,
        min(coalesce(q.position, nullif(s.grid, 0))) as quali_order
    from starts as s
    left join qualifying as q
        on q.season = s.season and q.round = s.round and q.driver_id = s.driver_id
        and q.constructor_id = s.constructor_id
    group by s.season, s.round, s.constructor_id, s.driver_id
),

pairs as (
    select
        a.season,
        a.constructor_id,
        a.driver_id,
        b.driver_id as teammate_id,
        a.quali_order < b.quali_order as quali_ahead,
        a.quali_order > b.quali_order as quali_behind,
        a.finish_order < b.finish_order as race_ahead,
        a.finish_order > b.finish_order as race_behind
    from per_car as a
    inner join per_car as b
        on b.season = a.season and b.round = a.round
        and b.constructor_id = a.constructor_id and b.driver_id <> a.driver_id
),

final as (
    select
        season,
        constructor_id,
        driver_id,
        teammate_id,
        count(*)::integer as races,
        count(*) filter (where quali_ahead)::integer as quali_ahead,
        count(*) filter (where quali_behind)::integer as quali_behind,
        count(*) filter (where race_ahead)::integer as race_ahead,
        count(*) filter (where race_behind)::integer as race_behind
    from pairs
    group by season, constructor_id, driver_id, teammate_id
)

select * from final
