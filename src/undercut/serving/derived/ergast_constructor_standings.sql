-- purpose: The constructors' championship after every round, and whether it is the season's
--          last standings round. Made once per served copy.
-- grain: one row per (season, round, constructor).
-- depends on: silver.constructor_standings, silver.constructors
with last_rounds as (
    select season, max(round) as round from silver.constructor_standings group by season
)

select
    cs.constructor_id,
-- @_constructor_columns
    cs.season,
    cs.round,
    cs.round = lr.round as final_round,
    cs.position,
    cs.position_text,
    cs.points,
    cs.wins
from silver.constructor_standings as cs
inner join last_rounds as lr on lr.season = cs.season
left join silver.constructors as c on c.constructor_id = cs.constructor_id
order by cs.season, cs.round, cs.position, cs.constructor_id
