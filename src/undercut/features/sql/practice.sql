-- purpose: each driver's free-practice running per session, both sources merged: the
--   best lap, laps run and long-run pace, with the car's constructor where known.
-- grain: one row per (season, round, session, driver_id); session fp1 .. fp4. A Friday
-- test driver without an Ergast ref (null driver_id) keeps one row per car.
-- F1DB and OpenF1 describe the same sessions: the best lap is the faster of the two, the
-- laps the larger count, the long run OpenF1's (F1DB has none).
-- depends on: silver.practice_results
with practice as (select * from silver.practice_results),

final as (
    select
        season,
        round,
        session,
        driver_id,
        max(constructor_id) as constructor_id,
        min(best_lap_ms) as best_lap_ms,
        max(laps) as laps,
        min(long_run_ms) as long_run_ms
    from practice
    group by season, round, session, driver_id, if(driver_id is null, constructor_id, null)
)

select * from final
order by season, round, session, driver_id
