-- purpose: the timed laps of one session with their time windows: a lap runs from its
--          start to the next lap's start (or start + lap time for the last), the window
--          telemetry is sliced by.
-- grain: driver_id, lap (with the driver's three-letter code).
-- depends on: silver.session_laps, silver.session_drivers
with laps as (
    select
        l.driver_id,
        l.driver_number,
        d.name_acronym as code,
        l.lap,
        l.lap_started_at,
        l.lap_time_ms,
        l.i1_speed_kph,
        l.i2_speed_kph,
        l.st_speed_kph,
        coalesce(l.is_pit_in_lap, false) as is_pit_in_lap,
        coalesce(l.is_pit_out_lap, false) as is_pit_out_lap
    from silver.session_laps as l
    left join silver.session_drivers as d
        on d.session_key = l.session_key and d.driver_number = l.driver_number
    where
        l.session_key = :session_key
        and l.driver_id is not null
        and l.lap_started_at is not null
),

final as (
    select
        *,
        coalesce(
            lap_started_at + to_milliseconds(lap_time_ms),
            lead(lap_started_at) over (partition by driver_id order by lap)
        ) as lap_ended_at
    from laps
)

select * from final
where lap_ended_at is not null
order by driver_id, lap
