-- purpose: every scheduled race, in calendar order, with where it is held.
-- grain: one row per (season, round) of silver.races.
-- depends on: silver.races
with races as (select * from silver.races),

final as (
    select season, round, circuit_id, race_name, race_date
    from races
)

select * from final
order by season, round
