-- purpose: Ergast /qualifying: qualifying classifications the path's filters select. The grid,
--          results, fastest and status filters apply to the same driver's race entry; the final
--          value matches the qualifying position or the driver's place in any single session
--          (Q1, Q2, Q3), as the Ergast-compatible service does.
--          Since 2006 (knockout qualifying) a driver who took part in a session without setting a
--          time has an empty string for it, as Ergast writes: everyone takes part in Q1, the top
--          10 + half the rest in Q2, the top 10 in Q3.
-- grain: one row per qualifying entry (qualify_id).
-- depends on: serving.ergast_qualifying, _scope (scoped_races, scoped_entries)
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
    select q.*
    from serving.ergast_qualifying as q
    where (q.season, q.round) in (select season, round from scoped_races)
        and ($constructor is null or q.constructor_id = $constructor)
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
