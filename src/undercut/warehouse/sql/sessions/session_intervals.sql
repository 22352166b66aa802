-- purpose: silver.session_intervals from OpenF1 intervals (only when pulled with --with-timing).
--          Gaps are seconds or text such as "+1 LAP": seconds become ms, laps go to laps_behind.
-- grain: session_key, driver_number, recorded_at.
-- depends on: openf1.intervals, silver.sessions, silver.session_drivers
with intervals as (
    select * from openf1.intervals
    qualify row_number() over (
        partition by session_key, driver_number, date order by _file, _row
    ) = 1
),

final as (
    select
        s.season,
        s.round,
        i.session_key::integer as session_key,
        d.driver_id,
        i.driver_number::integer as driver_number,
        i.date as recorded_at,
        round(1000 * try_cast(i.gap_to_leader as double))::integer as gap_to_leader_ms,
        round(1000 * try_cast(i."interval" as double))::integer as interval_ms,
        try_cast(regexp_extract(i.gap_to_leader, '\+?\s*(\d+)\s*LAPS?', 1) as integer)
            as laps_behind
    from intervals as i
    left join silver.sessions as s on s.session_key = i.session_key
    left join silver.session_drivers as d
        on d.session_key = i.session_key and d.driver_number = i.driver_number
)

select * from final
