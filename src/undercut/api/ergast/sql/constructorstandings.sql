-- purpose: Ergast /constructorStandings: the constructors' championship after the given round
--          (after the season's last round when none is given).
-- grain: one row per (season, constructor).
-- depends on: serving.ergast_constructor_standings
with final as (
    select cs.season, cs.round, cs.position, cs.constructor_id, cs.item
    from serving.ergast_constructor_standings as cs
    where ($season is null or cs.season = $season)
        and ($round is null or cs.round = $round)
        and ($no_round is null or cs.final_round)
        and ($constructor is null or cs.constructor_id = $constructor)
        and ($constructor_standing is null or cs.position = $constructor_standing)
)

select * from final
order by season, position nulls last, constructor_id
