-- purpose: the constructors' championship after each round.
-- grain: one row per (season, round, constructor_id).
-- depends on: silver.constructor_standings
with standings as (select * from silver.constructor_standings),

final as (
    select season, round, constructor_id, position, points, wins
    from standings
)

select * from final
order by season, round, position
