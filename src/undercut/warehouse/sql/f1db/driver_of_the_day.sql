-- purpose: F1DB's driver of the day votes, keyed by Ergast refs.
-- grain: (season, round, driver_id).
-- depends on: f1db.driver_of_the_day, silver.f1db_id_map
with votes as (select * from f1db.driver_of_the_day),

ids as (select kind, f1db_id, ergast_id from silver.f1db_id_map where is_matched),

final as (
    select
        v.season::integer as season,
        v.round::integer as round,
        d.ergast_id as driver_id,
        c.ergast_id as constructor_id,
        try_cast(v.position_text as integer) as position,
        v.percentage as vote_percentage
    from votes as v
    inner join ids as d on d.kind = 'driver' and d.f1db_id = v.f1db_driver_id
    left join ids as c on c.kind = 'constructor' and c.f1db_id = v.f1db_constructor_id
    qualify row_number() over (partition by v.season, v.round, d.ergast_id order by v._entry) = 1
)

select * from final
