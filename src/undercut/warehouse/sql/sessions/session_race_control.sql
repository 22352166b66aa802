-- purpose: silver.session_race_control from OpenF1 race_control messages.
-- grain: one row per message (exact duplicates dropped).
-- depends on: openf1.race_control, silver.sessions, silver.session_drivers
with messages as (
    select distinct on (session_key, date, category, flag, scope, sector, driver_number,
                        message)
        *
    from openf1.race_control
    order by session_key, date, category, flag, scope, sector, driver_number, message,
             _file, _row
),

final as (
    select
        s.season,
        s.round,
        m.session_key::integer as session_key,
        m.date as message_at,
        m.lap_number::integer as lap,
        m.category,
        m.flag,
        m.scope,
        m.sector::integer as sector,
        m.driver_number::integer as driver_number,
        d.driver_id,
        m.message
    from messages as m
    left join silver.sessions as s on s.session_key = m.session_key
    left join silver.session_drivers as d
        on d.session_key = m.session_key and d.driver_number = m.driver_number
)

select * from final
