-- purpose: each circuit's Grand Prix history.
-- grain: one row per silver.circuits circuit. races_held counts races with a result; the
--        lap record is the fastest race lap in the archive (lap times exist from 2004);
--        top driver/constructor have the most wins there (ties: who got there first);
--        pole_to_win_rate is the share of races held won from official pole. Drivers who
--        shared a winning car (1950s) are all credited with the win, for both.
-- depends on: silver.circuits, gold.race_summaries, gold.fastest_laps, gold.race_starts
with circuits as (select * from silver.circuits),

races as (select * from gold.race_summaries where has_result),

fastest_laps as (select * from gold.fastest_laps where lap_time_ms is not null),

race_winners as (
    select distinct season, round, driver_id from gold.race_starts where position = 1
),

pole_wins as (
    select distinct w.season, w.round
    from race_winners as w
    inner join races as r
        on r.season = w.season and r.round = w.round and r.pole_driver_id = w.driver_id
),

held as (
    select
        r.circuit_id,
        count(*)::integer as races_held,
        min(r.season)::integer as first_season,
        max(r.season)::integer as last_season,
        avg(case when pw.season is not null then 1.0 else 0.0 end) as pole_to_win_rate
    from races as r
    left join pole_wins as pw on pw.season = r.season and pw.round = r.round
    group by r.circuit_id
),

lap_record as (
    select
        r.circuit_id,
        arg_min(f.lap_time_ms, (f.lap_time_ms, f.season)) as lap_record_ms,
        arg_min(f.lap_time_text, (f.lap_time_ms, f.season)) as lap_record_text,
        arg_min(f.driver_id, (f.lap_time_ms, f.season)) as lap_record_driver_id,
        arg_min(f.season, (f.lap_time_ms, f.season)) as lap_record_season
    from fastest_laps as f
    inner join races as r on r.season = f.season and r.round = f.round
    group by r.circuit_id
),

driver_wins as (
    select r.circuit_id, w.driver_id, count(*) as wins, max(r.race_date) as reached_on
    from race_winners as w
    inner join races as r on r.season = w.season and r.round = w.round
    group by r.circuit_id, w.driver_id
),

constructor_wins as (
    select circuit_id, winner_constructor_id as constructor_id, count(*) as wins,
        max(race_date) as reached_on
    from races
    where winner_constructor_id is not null
    group by circuit_id, winner_constructor_id
),

top_driver as (
    select circuit_id, arg_max(driver_id, (wins, -epoch(reached_on))) as top_driver_id,
        max(wins)::integer as top_driver_wins
    from driver_wins
    group by circuit_id
),

top_constructor as (
    select circuit_id,
        arg_max(constructor_id, (wins, -epoch(reached_on))) as top_constructor_id,
        max(wins)::integer as top_constructor_wins
    from constructor_wins
    group by circuit_id
),

final as (
    select
        c.circuit_id,
        c.circuit_name,
        c.locality,
        c.country,
        c.lat,
        c.lng,
        coalesce(h.races_held, 0) as races_held,
        h.first_season,
        h.last_season,
        lr.lap_record_ms,
        lr.lap_record_text,
        lr.lap_record_driver_id,
        lr.lap_record_season,
        td.top_driver_id,
        td.top_driver_wins,
        tc.top_constructor_id,
        tc.top_constructor_wins,
        h.pole_to_win_rate
    from circuits as c
    left join held as h on h.circuit_id = c.circuit_id
    left join lap_record as lr on lr.circuit_id = c.circuit_id
    left join top_driver as td on td.circuit_id = c.circuit_id
    left join top_constructor as tc on tc.circuit_id = c.circuit_id
)

select * from final
