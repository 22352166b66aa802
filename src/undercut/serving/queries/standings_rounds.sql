-- purpose: the newest round of a season with standings (drivers' standings)
-- grain: one row
-- depends on: silver.driver_standings, silver.constructor_standings
select
    (select max(round) from silver.driver_standings where season = :season) as drivers_round,
    (select max(round) from silver.constructor_standings where season = :season)
        as constructors_round
