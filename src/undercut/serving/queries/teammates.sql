-- purpose: a driver's head-to-head record against each team-mate, per season and team
-- grain: one row per season, constructor and team-mate
-- depends on: silver.qualifying, gold.race_starts
with mine_quali as (
    select season, round, constructor_id, position
    from silver.qualifying
    where driver_id = :driver_id
),

quali as (
    select
        mine.season, mine.constructor_id, other.driver_id as teammate_id,
        count(*) filter (where mine.position < other.position) as quali_ahead,
        count(*) filter (where mine.position > other.position) as quali_behind
    from mine_quali as mine
    inner join silver.qualifying as other
        on other.season = mine.season and other.round = mine.round
        and other.constructor_id = mine.constructor_id and other.driver_id <> :driver_id
    group by mine.season, mine.constructor_id, other.driver_id
),

mine_race as (
    select season, round, constructor_id, position_order
    from gold.race_starts
    where driver_id = :driver_id
),

race as (
    select
        mine.season, mine.constructor_id, other.driver_id as teammate_id,
        count(distinct mine.round) as races,
        count(*) filter (where mine.position_order < other.position_order) as race_ahead,
        count(*) filter (where mine.position_order > other.position_order) as race_behind
    from mine_race as mine
    inner join gold.race_starts as other
        on other.season = mine.season and other.round = mine.round
        and other.constructor_id = mine.constructor_id and other.driver_id <> :driver_id
    group by mine.season, mine.constructor_id, other.driver_id
),

final as (
    select
        coalesce(race.season, quali.season) as season,
        coalesce(race.constructor_id, quali.constructor_id) as constructor_id,
        coalesce(race.teammate_id, quali.teammate_id) as teammate_id,
        coalesce(race.races, 0) as races,
        coalesce(quali.quali_ahead, 0) as quali_ahead,
        coalesce(quali.quali_behind, 0) as quali_behind,
        coalesce(race.race_ahead, 0) as race_ahead,
        coalesce(race.race_behind, 0) as race_behind
    from race
    full outer join quali
        on quali.season = race.season and quali.constructor_id = race.constructor_id
        and quali.teammate_id = race.teammate_id
)

select * from final
order by season, constructor_id, teammate_id
