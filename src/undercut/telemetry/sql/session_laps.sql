-- purpose: the timed laps of one session with their time windows: a lap runs from its
--          start to the next lap's start (or start + lap time for the last), the window
--          telemetry is sliced by.
-- grain: driver_id, lap.
-- depends on: silver.session_laps
with laps as (
    select
        driver_id,
        driver_number,
        lap,
        lap_started_at,
        lap_time_ms,
        i1_speed_kph,
        i2_speed_kph,
        st_speed_kph,
        coalesce(is_pit_in_lap, false) as is_pit_in_lap,
        coalesce(is_pit_out_lap, false) as is_pit_out_lap
    from silver.session_laps
    where session_key = :session_key and driver_id is not null and lap_started_at is not null
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
