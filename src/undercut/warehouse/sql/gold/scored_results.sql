-- purpose: championship points recomputed for every race and sprint result.
-- grain: one row per silver.race_results / silver.sprint_results row (session 'race' or
--        'sprint'). driver_points and constructor_points follow that season's rules
--        (gold.scoring_*); archive_points is what the archive says, kept for comparison.
--        Where the archive has no fastest-lap data for a race (none before 2004, and a few
--        gaps since, such as Monaco 2024) the fastest-lap point is located as the result
--        whose archive points exceed its position's share, unless
--        gold.scoring_shared_fastest_laps names who shared it (each driver's first result
--        of the race takes the share). Results not eligible for points
--        (gold.scoring_ineligible) score nothing, and move the finishers behind them up a
--        points place where the points passed down.
-- incremental by: season
-- depends on: silver.race_results, silver.sprint_results, gold.scoring_points,
--             gold.scoring_rules, gold.scoring_race_factors, gold.result_corrections,
--             gold.scoring_ineligible, gold.scoring_shared_fastest_laps
with race_results as (select * from silver.race_results),

corrections as (select * from gold.result_corrections),

ineligible as (select * from gold.scoring_ineligible),

sprint_results as (select * from silver.sprint_results),

points_scale as (select * from gold.scoring_points),

rules as (select * from gold.scoring_rules),

factors as (select * from gold.scoring_race_factors),

shared_fastest_laps as (select * from gold.scoring_shared_fastest_laps),

results as (
    select 'race' as session, rr.season, rr.round, rr.result_id, rr.driver_id,
        rr.constructor_id, coalesce(c.position, rr.position) as position,
        coalesce(c.position, rr.position_order) as position_order,
        rr.points as archive_points, rr.fastest_lap_rank
    from race_results as rr
    left join corrections as c
        on c.season = rr.season and c.round = rr.round and c.driver_id = rr.driver_id
    union all
    select 'sprint' as session, season, round, result_id, driver_id, constructor_id,
        position, position_order, points as archive_points, fastest_lap_rank
    from sprint_results
),

-- the place a result is paid for: none when ineligible, one up per ineligible car ahead
-- whose points passed down
points_places as (
    select
        res.*,
        case when i.driver_id is null then res.position - coalesce(count(*) filter (
            where i.passes_down) over (
                partition by res.session, res.season, res.round order by res.position_order
                rows between unbounded preceding and 1 preceding), 0)
        end as points_position
    from results as res
    left join ineligible as i
        on res.session = 'race' and i.season = res.season and i.round = res.round
        and i.driver_id = res.driver_id
),

with_rules as (
    select
        res.*,
        ru.fastest_lap_points,
        ru.fastest_lap_top10_only,
        ru.fastest_lap_constructors,
        ru.shared_drives,
        ru.constructor_cars,
        coalesce(f.driver_factor, 1.0) as driver_factor,
        coalesce(f.constructor_factor, 1.0) as constructor_factor,
        coalesce(f.fastest_lap_awarded, true) as fastest_lap_awarded,
        coalesce(dp.points, 0.0) as driver_scale_points,
        coalesce(cp.points, 0.0) as constructor_scale_points,
        -- the eligible drivers who shared the car (one when it was not shared)
        case when res.position is null then 1
            else greatest(count(res.points_position) over (
                partition by res.session, res.season, res.round, res.position), 1)
        end as car_drivers
    from points_places as res
    inner join rules as ru on res.season between ru.first_season and ru.last_season
    left join factors as f on f.season = res.season and f.round = res.round
    left join points_scale as dp
        on dp.championship = 'drivers' and dp.session = res.session
        and res.season between dp.first_season and dp.last_season
        and dp.position = res.points_position
    left join points_scale as cp
        on cp.championship = 'constructors' and cp.session = res.session
        and res.season between cp.first_season and cp.last_season
        and cp.position = res.points_position
),

position_points as (
    select
        *,
        driver_factor * case
            when car_drivers = 1 then driver_scale_points
            when shared_drives = 'split' then driver_scale_points / car_drivers
            else 0.0
        end as driver_position_points,
        -- The constructor's best-placed car, where only that car scored (1958-1978).
        row_number() over (
            partition by session, season, round, constructor_id order by position_order
        ) as car_rank_in_team,
        coalesce(bool_or(fastest_lap_rank = 1)
            over (partition by session, season, round), false) as has_fastest_lap_data,
        row_number() over (
            partition by session, season, round, driver_id order by position_order
        ) as drive_rank
    from with_rules
),

shared_races as (select distinct season, round from shared_fastest_laps),

fastest_lap as (
    select
        p.*,
        case
            when p.session <> 'race' or p.fastest_lap_points = 0 or not p.fastest_lap_awarded
                then false
            when sr.season is not null
                then sf.driver_id is not null and p.drive_rank = 1
            when not p.has_fastest_lap_data
                then p.archive_points - p.driver_position_points > 0.01
            else p.fastest_lap_rank = 1
                and (not p.fastest_lap_top10_only or p.position <= 10)
        end as is_fastest_lap_point
    from position_points as p
    left join shared_races as sr on sr.season = p.season and sr.round = p.round
    left join shared_fastest_laps as sf
        on sf.season = p.season and sf.round = p.round and sf.driver_id = p.driver_id
),

final as (
    select
        session,
        season,
        round,
        result_id,
        driver_id,
        constructor_id,
        position,
        position_order,
        car_drivers,
        is_fastest_lap_point,
        driver_position_points
            + case when is_fastest_lap_point
                then fastest_lap_points / count(*) filter (where is_fastest_lap_point)
                    over (partition by session, season, round)
                else 0.0 end
            as driver_points,
        constructor_factor * case
            when constructor_cars = 'best' and car_rank_in_team > 1 then 0.0
            when car_drivers > 1 then 0.0
            else constructor_scale_points
        end
            + case when is_fastest_lap_point and fastest_lap_constructors
                then fastest_lap_points else 0.0 end
            as constructor_points,
        archive_points
    from fastest_lap
)

select * from final
