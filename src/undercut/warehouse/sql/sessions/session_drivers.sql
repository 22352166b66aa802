-- purpose: silver.session_drivers from OpenF1 drivers, mapped onto warehouse drivers.
-- grain: session_key, driver_number.
-- Rules, first unambiguous match wins: the car number in that race's results, qualifying
-- or sprint ('car_number'); a driver of that season with the same three-letter code
-- ('season_code'); the same car number earlier or later that season ('season_number'); a
-- driver whose permanent number and code both match ('permanent_number'); a unique
-- family-name match ('name'). Anything else stays unmapped (reported as a warning).
-- depends on: openf1.drivers, silver.sessions, silver.race_results, silver.qualifying,
--   silver.sprint_results, silver.drivers
with drivers as (
    select * from openf1.drivers
    qualify row_number() over (partition by session_key, driver_number order by _file, _row) = 1
),

sessions as (select session_key, season, round from silver.sessions),

entries as (
    select distinct season, round, car_number, driver_id from silver.race_results
    union
    select distinct season, round, car_number, driver_id from silver.qualifying
    union
    select distinct season, round, car_number, driver_id from silver.sprint_results
),

season_drivers as (
    select distinct e.season, e.driver_id, d.code, d.family_name
    from entries as e
    inner join silver.drivers as d on d.driver_id = e.driver_id
),

candidates as (
    select d.session_key, d.driver_number, e.driver_id, 1 as priority, 'car_number' as rule
    from drivers as d
    inner join sessions as s on s.session_key = d.session_key
    inner join entries as e
        on e.season = s.season and e.round = s.round and e.car_number = d.driver_number
    union all
    select d.session_key, d.driver_number, sd.driver_id, 2, 'season_code'
    from drivers as d
    inner join sessions as s on s.session_key = d.session_key
    inner join season_drivers as sd
        on sd.season = s.season and sd.code = upper(d.name_acronym)
    union all
    select distinct d.session_key, d.driver_number, e.driver_id, 3, 'season_number'
    from drivers as d
    inner join sessions as s on s.session_key = d.session_key
    inner join entries as e on e.season = s.season and e.car_number = d.driver_number
    union all
    select d.session_key, d.driver_number, w.driver_id, 4, 'permanent_number'
    from drivers as d
    inner join silver.drivers as w
        on w.permanent_number = d.driver_number and w.code = upper(d.name_acronym)
    union all
    select d.session_key, d.driver_number, w.driver_id, 5, 'name'
    from drivers as d
    inner join silver.drivers as w
        on lower(strip_accents(w.family_name)) = lower(strip_accents(d.last_name))
        and left(lower(strip_accents(w.given_name)), 1) = left(lower(strip_accents(d.first_name)), 1)
),

best_priority as (
    select session_key, driver_number, min(priority) as priority
    from candidates
    group by session_key, driver_number
),

resolved as (
    select c.session_key, c.driver_number, any_value(c.rule) as rule,
           count(distinct c.driver_id) as matches, any_value(c.driver_id) as driver_id
    from candidates as c
    inner join best_priority as b
        on b.session_key = c.session_key and b.driver_number = c.driver_number
        and b.priority = c.priority
    group by c.session_key, c.driver_number
),

final as (
    select
        d.session_key,
        s.season,
        s.round,
        d.driver_number::integer as driver_number,
        case when r.matches = 1 then r.driver_id end as driver_id,
        case when r.matches = 1 then r.rule end as match_rule,
        d.name_acronym,
        d.full_name,
        d.team_name
    from drivers as d
    left join sessions as s on s.session_key = d.session_key
    left join resolved as r
        on r.session_key = d.session_key and r.driver_number = d.driver_number
)

select * from final
