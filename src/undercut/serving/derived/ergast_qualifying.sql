-- purpose: Every qualifying entry with its race, circuit, driver and constructor, its place
--          in each session (Q1, Q2, Q3) and the session times as Ergast writes them: since
--          2006 (knockout qualifying) a driver who took part in a session without setting a
--          time has an empty string for it (everyone takes part in Q1, the top 10 + half the
--          rest in Q2, the top 10 in Q3). Made once per served copy.
-- grain: one row per qualifying entry (qualify_id).
-- depends on: silver.qualifying, silver.races, silver.circuits, silver.drivers,
--             silver.constructors
with session_places as (
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
    window race as (partition by q.season, q.round)
)

select
-- @_race_header
    q.car_number,
    q.position,
    q.q1_place,
    q.q2_place,
    q.q3_place,
    q.driver_id,
-- @_driver_columns
    q.constructor_id,
-- @_constructor_columns
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
inner join silver.races as ra on ra.season = q.season and ra.round = q.round
left join silver.circuits as ci on ci.circuit_id = ra.circuit_id
left join silver.drivers as d on d.driver_id = q.driver_id
left join silver.constructors as c on c.constructor_id = q.constructor_id
order by ra.season, ra.round, q.position, q.driver_id
