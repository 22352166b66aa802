-- purpose: Ergast /driverStandings: the drivers' championship after the given round (after the
--          season's last round when none is given), with the constructors each driver raced for
--          up to then. Drivers who failed to qualify for every race so far are not listed.
-- grain: one row per (season, driver).
-- depends on: serving.ergast_driver_standings
with final as (
    select ds.season, ds.round, ds.position, ds.driver_id, ds.item
    from serving.ergast_driver_standings as ds
    where ds.listed
        and ($season is null or ds.season = $season)
        and ($round is null or ds.round = $round)
        and ($no_round is null or ds.final_round)
        and ($driver is null or ds.driver_id = $driver)
        and ($driver_standing is null or ds.position = $driver_standing)
)

select * from final
order by season, position nulls last, driver_id
