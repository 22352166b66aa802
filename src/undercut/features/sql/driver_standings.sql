-- purpose: the drivers' championship after each round.
-- grain: one row per (season, round, driver_id).
-- depends on: silver.driver_standings
with standings as (select * from silver.driver_standings),

final as (
    select season, round, driver_id, position, points, wins
    from standings
)

select * from final
order by season, round, position
