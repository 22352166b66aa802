-- purpose: F1DB's free-practice results as silver.practice_results rows (source 'f1db').
-- grain: (season, round, session, driver_id). A gap F1DB leaves blank (the fastest
-- driver, or a lap-count gap) is the difference to the session's best lap. A driver who
-- never started a race (a Friday test driver in a regular's car) has no Ergast ref: his
-- row is kept with a null driver_id, for the car's pace.
-- depends on: f1db.practice, silver.f1db_id_map
with practice as (select * from f1db.practice),

ids as (select kind, f1db_id, ergast_id from silver.f1db_id_map where is_matched),

final as (
    select
        'f1db' as source,
        p.season::integer as season,
        p.round::integer as round,
        p.session,
        d.ergast_id as driver_id,
        c.ergast_id as constructor_id,
        try_cast(p.car_number as integer) as car_number,
        try_cast(p.position_text as integer) as position,
        p.best_lap_ms::integer as best_lap_ms,
        coalesce(
            p.gap_ms,
            p.best_lap_ms - min(p.best_lap_ms) over (partition by p.season, p.round, p.session)
        )::integer as gap_ms,
        p.laps::integer as laps
    from practice as p
    left join ids as d on d.kind = 'driver' and d.f1db_id = p.f1db_driver_id
    left join ids as c on c.kind = 'constructor' and c.f1db_id = p.f1db_constructor_id
    qualify row_number() over (
        partition by p.season, p.round, p.session, coalesce(d.ergast_id, p.f1db_driver_id)
        order by p._entry
    ) = 1
)

select * from final
