-- purpose: the circuit layout of every race F1DB describes, keyed by season and round.
-- grain: (season, round).
-- depends on: f1db.races, silver.f1db_id_map
with races as (select * from f1db.races),

circuits as (
    select f1db_id, ergast_id from silver.f1db_id_map where kind = 'circuit' and is_matched
),

final as (
    select
        r.season::integer as season,
        r.round::integer as round,
        c.ergast_id as circuit_id,
        r.circuit_layout_id,
        r.circuit_type,
        r.direction,
        r.course_length_km,
        r.turns::integer as turns,
        r.laps::integer as laps,
        r.distance_km,
        r.qualifying_format,
        r.sprint_qualifying_format
    from races as r
    left join circuits as c on c.f1db_id = r.f1db_circuit_id
)

select * from final
