-- purpose: Ergast /qualifying: qualifying classifications the path's filters select. The grid,
--          results, fastest and status filters apply to the same driver's race entry; the final
--          value matches the qualifying position or the driver's place in any single session
--          (Q1, Q2, Q3), as the Ergast-compatible service does.
--          Since 2006 (knockout qualifying) a driver who took part in a session without setting a
--          time has an empty string for it, as Ergast writes: everyone takes part in Q1, the top
--          10 + half the rest in Q2, the top 10 in Q3.
-- grain: one row per qualifying entry (qualify_id).
-- depends on: silver.qualifying, silver.drivers, silver.constructors,
--             _scope (scoped_races, scoped_entries, race_details)
with
-- @_scope
,

session_places as (
    select
        q.*,
        case when q.q1_ms is not null then
            rank() over (partition by q.season, q.round, q.q1_ms is null order by q.q1_ms)
        end as q1_place,
        case when q.q2_ms is not null then
            rank() over (partition by q.season, q.round, q.q2_ms is null order by q.q2_ms)
        end as q2_place,
        case when q.q3_ms is not null then
            rank() over (partition by q.season, q.round, q.q3_ms is null order by q.q3_ms)
        end as q3_place,
        -- the field of the session: who entered, how many set a Q2 and a Q3 time
        count(*) over race as entrants,
        count(q.q2_ms) over race as q2_timed,
        count(q.q3_ms) over race as q3_timed
    from silver.qualifying as q
    where (q.season, q.round) in (select season, round from scoped_races)
    window race as (partition by q.season, q.round)
),

final as (
    select
        rd.*,
        q.car_number,
        q.position,
        d.driver_id, d.permanent_number, d.code, d.url as driver_url, d.given_name,
        d.family_name, d.date_of_birth, d.nationality,
        c.constructor_id, c.url as constructor_url, c.constructor_name,
        c.nationality as constructor_nationality,
        case
            when q.q1_text is null and q.season >= 2006 then '' else q.q1_text
        end as q1_text,
        case
            when q.q2_text is null and q.season >= 2006 and q.q2_timed > 0
                and q.position <= 10 + ceil((q.entrants - 10) / 2.0) then ''
            else q.q2_text
        end as q2_text,
        case
            when q.q3_text is null and q.season >= 2006 and q.q3_timed > 0 and q.position <= 10
                then ''
            else q.q3_text
        end as q3_text
    from session_places as q
    inner join race_details as rd on rd.season = q.season and rd.round = q.round
    left join silver.drivers as d on d.driver_id = q.driver_id
    left join silver.constructors as c on c.constructor_id = q.constructor_id
    where ($constructor is null or q.constructor_id = $constructor)
        and ($driver is null or q.driver_id = $driver)
        and (
            ($grid is null and $position is null and $fastest is null and $status is null)
            or (q.season, q.round, q.driver_id) in (
                select season, round, driver_id from scoped_entries
            )
        )
        and ($qualifying_position is null
            or $qualifying_position in (q.position, q.q1_place, q.q2_place, q.q3_place))
)

select * from final
order by season, round, position, driver_id
