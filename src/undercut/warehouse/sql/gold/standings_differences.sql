-- purpose: where the recomputed final standings disagree with the
--          archive's own standings tables.
-- grain: one row per (season, kind, competitor) whose points or position differ after the
--        last round the archive has standings for in that season (kind 'drivers' or
--        'constructors'); a competitor missing on one side has nulls on that side.
--        The archive lists competitors who never finished classified and scored nothing in
--        some seasons and not in others, so such one-sided rows are not differences, and
--        positions are compared within the field both sides list (an extra tail of
--        non-finishers does not move anyone else).
-- incremental by: season
-- depends on: gold.driver_standings, gold.constructor_standings, silver.driver_standings,
--             silver.constructor_standings, gold.scored_results
with computed_drivers as (select * from gold.driver_standings),

computed_constructors as (select * from gold.constructor_standings),

archive_drivers as (select * from silver.driver_standings),

archive_constructors as (select * from silver.constructor_standings),

archive_final_drivers as (
    select season, round, driver_id as competitor_id, points, position
    from archive_drivers
    qualify round = max(round) over (partition by season)
),

archive_final_constructors as (
    select season, round, constructor_id as competitor_id, points, position
    from archive_constructors
    qualify round = max(round) over (partition by season)
),

computed_final_drivers as (
    select c.season, c.round, c.driver_id as competitor_id, c.points, c.position
    from computed_drivers as c
    inner join (select distinct season, round from archive_final_drivers) as l
        on l.season = c.season and l.round = c.round
),

computed_final_constructors as (
    select c.season, c.round, c.constructor_id as competitor_id, c.points, c.position
    from computed_constructors as c
    inner join (select distinct season, round from archive_final_constructors) as l
        on l.season = c.season and l.round = c.round
),

classified as (
    select distinct season, 'drivers' as kind, driver_id as competitor_id
    from gold.scored_results where position is not null
    union
    select distinct season, 'constructors' as kind, constructor_id as competitor_id
    from gold.scored_results where position is not null
),

compared as (
    select
        coalesce(c.season, a.season) as season,
        'drivers' as kind,
        coalesce(c.competitor_id, a.competitor_id) as driver_or_constructor_id,
        c.points as computed_points,
        a.points as archive_points,
        c.position as computed_position,
        a.position as archive_position
    from computed_final_drivers as c
    full join archive_final_drivers as a
        on a.season = c.season and a.competitor_id = c.competitor_id
    union all
    select
        coalesce(c.season, a.season) as season,
        'constructors' as kind,
        coalesce(c.competitor_id, a.competitor_id) as driver_or_constructor_id,
        c.points as computed_points,
        a.points as archive_points,
        c.position as computed_position,
        a.position as archive_position
    from computed_final_constructors as c
    full join archive_final_constructors as a
        on a.season = c.season and a.competitor_id = c.competitor_id
),

common_field as (
    select
        *,
        row_number() over (
            partition by season, kind order by computed_position
        ) as computed_rank,
        row_number() over (
            partition by season, kind order by archive_position
        ) as archive_rank
    from compared
    where computed_position is not null and archive_position is not null
),

one_sided as (
    select cmp.*
    from compared as cmp
    left join classified as cl
        on cl.season = cmp.season and cl.kind = cmp.kind
        and cl.competitor_id = cmp.driver_or_constructor_id
    where (cmp.computed_position is null or cmp.archive_position is null)
        and (coalesce(cmp.computed_points, cmp.archive_points) <> 0
            or cl.competitor_id is not null)
),

final as (
    select season, kind, driver_or_constructor_id, computed_points, archive_points,
        computed_position, archive_position
    from common_field
    where computed_points is distinct from archive_points
        or computed_rank <> archive_rank
    union all
    select season, kind, driver_or_constructor_id, computed_points, archive_points,
        computed_position, archive_position
    from one_sided
)

select * from final
