-- purpose: F1DB's starting grids (race and sprint), penalties included, keyed by Ergast refs.
-- grain: (season, round, session, driver_id). F1DB's position 'PL' is a pit-lane start.
-- depends on: f1db.grids, silver.f1db_id_map
with grids as (select * from f1db.grids),

ids as (select kind, f1db_id, ergast_id from silver.f1db_id_map where is_matched),

final as (
    select
        g.season::integer as season,
        g.round::integer as round,
        g.session,
        d.ergast_id as driver_id,
        c.ergast_id as constructor_id,
        try_cast(g.car_number as integer) as car_number,
        try_cast(g.position_text as integer) as grid_position,
        upper(g.position_text) = 'PL' as is_pit_lane,
        g.grid_penalty,
        try_cast(g.grid_penalty as integer) as grid_penalty_places,
        g.qualifying_time_ms::integer as qualifying_time_ms
    from grids as g
    inner join ids as d on d.kind = 'driver' and d.f1db_id = g.f1db_driver_id
    left join ids as c on c.kind = 'constructor' and c.f1db_id = g.f1db_constructor_id
    qualify row_number() over (
        partition by g.season, g.round, g.session, d.ergast_id order by g._entry
    ) = 1
)

select * from final
