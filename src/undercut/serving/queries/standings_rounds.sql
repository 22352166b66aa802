-- purpose: the newest round of a season with standings, in each championship
-- grain: one row
-- depends on: gold.driver_standings, gold.constructor_standings
select
    (select max(round) from gold.driver_standings where season = :season) as drivers_round,
    (select max(round) from gold.constructor_standings where season = :season)
        as constructors_round
