-- purpose: F1DB's sprint qualifying (sprint shoot-out) results, keyed by Ergast refs.
-- grain: (season, round, driver_id).
-- depends on: f1db.sprint_qualifying, silver.f1db_id_map
with sprint_qualifying as (select * from f1db.sprint_qualifying),

ids as (select kind, f1db_id, ergast_id from silver.f1db_id_map where is_matched),

final as (
    select
        'f1db' as source,
        q.season::integer as season,
        q.round::integer as round,
        d.ergast_id as driver_id,
        c.ergast_id as constructor_id,
        try_cast(q.car_number as integer) as car_number,
        try_cast(q.position_text as integer) as position,
        q.q1_ms::integer as q1_ms,
        q.q2_ms::integer as q2_ms,
        q.q3_ms::integer as q3_ms,
        least(q.q1_ms, q.q2_ms, q.q3_ms)::integer as best_lap_ms,
        q.laps::integer as laps
    from sprint_qualifying as q
    inner join ids as d on d.kind = 'driver' and d.f1db_id = q.f1db_driver_id
    left join ids as c on c.kind = 'constructor' and c.f1db_id = q.f1db_constructor_id
    qualify row_number() over (partition by q.season, q.round, d.ergast_id order by q._entry) = 1
)

select * from final
