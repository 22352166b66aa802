-- purpose: silver.session_positions from OpenF1 position (only when pulled with --with-timing).
-- grain: session_key, driver_number, recorded_at.
-- depends on: openf1.position, silver.sessions, silver.session_drivers
with positions as (
    select * from openf1.position
    qualify row_number() over (
        partition by session_key, driver_number, date order by _file, _row
    ) = 1
),

final as (
    select
        s.season,
        s.round,
        p.session_key::integer as session_key,
        d.driver_id,
        p.driver_number::integer as driver_number,
        p.date as recorded_at,
        p.position::integer as position
    from positions as p
    left join silver.sessions as s on s.session_key = p.session_key
    left join silver.session_drivers as d
        on d.session_key = p.session_key and d.driver_number = p.driver_number
)

select * from final
