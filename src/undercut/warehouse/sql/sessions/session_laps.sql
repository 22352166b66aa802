-- purpose: silver.session_laps from OpenF1 laps + stints + pit + race control.
-- grain: session_key, driver_number, lap (duplicated laps keep the first record received).
-- A pit-in lap is one with a pit-lane passage; compound and tyre age come from the stint
-- covering the lap (age = age at stint start + laps since). Track status is the worst of
-- red > sc > vsc > green in force at any time during the lap, following the race control
-- messages (safety car / VSC deployed and ending, red and green track flags); null when
-- the session has no race control data or the lap has no start time.
-- Non-positive durations are nulled (and reported by the checks).
-- depends on: openf1.laps, silver.sessions, silver.session_drivers, silver.stints,
--   silver.session_pits, silver.session_race_control
with laps as (
    select * from openf1.laps
    qualify row_number() over (
        partition by session_key, driver_number, lap_number order by _file, _row
    ) = 1
),

stints as (
    select * from silver.stints
    where lap_start is not null and lap_end is not null
),

transitions as (
    select
        session_key,
        message_at,
        case
            when category = 'SafetyCar' and upper(message) like '%VIRTUAL SAFETY CAR DEPLOYED%'
                then 'vsc'
            when category = 'SafetyCar' and upper(message) like '%VIRTUAL SAFETY CAR ENDING%'
                then 'green'
            when category = 'SafetyCar' and upper(message) like '%SAFETY CAR DEPLOYED%'
                then 'sc'
            when upper(flag) = 'RED' then 'red'
            when upper(flag) = 'GREEN' and coalesce(upper(scope), 'TRACK') = 'TRACK'
                then 'green'
            when upper(message) like 'TRACK CLEAR%' then 'green'
        end as status
    from silver.session_race_control
),

periods as (
    select
        t.session_key,
        t.status,
        t.message_at as period_from,
        coalesce(
            lead(t.message_at) over (partition by t.session_key order by t.message_at),
            timestamp '9999-12-31'
        ) as period_to
    from (
        select session_key, message_at, status from transitions where status is not null
        union all
        -- Green until the first message says otherwise.
        select session_key, timestamp '1900-01-01', 'green'
        from silver.session_race_control
        group by session_key
    ) as t
),

lap_windows as (
    select
        l.*,
        case when l.lap_duration > 0 then round(1000 * l.lap_duration)::integer end
            as lap_time_ms,
        l.date_start + to_milliseconds(
            coalesce(round(1000 * greatest(l.lap_duration, 0)), 0)::bigint
        ) as lap_ended_at
    from laps as l
),

status_per_lap as (
    select
        w.session_key,
        w.driver_number,
        w.lap_number,
        max(case p.status when 'red' then 4 when 'sc' then 3 when 'vsc' then 2 else 1 end)
            as severity
    from lap_windows as w
    inner join periods as p
        on p.session_key = w.session_key
        and p.period_from < w.lap_ended_at
        and p.period_to > w.date_start
    group by w.session_key, w.driver_number, w.lap_number
),

final as (
    select
        s.season,
        s.round,
        w.session_key::integer as session_key,
        s.session_name,
        d.driver_id,
        w.driver_number::integer as driver_number,
        w.lap_number::integer as lap,
        w.date_start as lap_started_at,
        w.lap_time_ms,
        case when w.duration_sector_1 > 0 then round(1000 * w.duration_sector_1) end::integer
            as sector_1_ms,
        case when w.duration_sector_2 > 0 then round(1000 * w.duration_sector_2) end::integer
            as sector_2_ms,
        case when w.duration_sector_3 > 0 then round(1000 * w.duration_sector_3) end::integer
            as sector_3_ms,
        w.i1_speed::integer as i1_speed_kph,
        w.i2_speed::integer as i2_speed_kph,
        w.st_speed::integer as st_speed_kph,
        coalesce(w.is_pit_out_lap, false) as is_pit_out_lap,
        p.lap is not null as is_pit_in_lap,
        st.stint_number,
        st.compound,
        (st.tyre_age_at_start + w.lap_number - st.lap_start)::integer as tyre_age_laps,
        case ts.severity when 4 then 'red' when 3 then 'sc' when 2 then 'vsc' when 1 then 'green'
        end as track_status,
        'openf1' as source
    from lap_windows as w
    left join silver.sessions as s on s.session_key = w.session_key
    left join silver.session_drivers as d
        on d.session_key = w.session_key and d.driver_number = w.driver_number
    left join silver.session_pits as p
        on p.session_key = w.session_key and p.driver_number = w.driver_number
        and p.lap = w.lap_number
    left join stints as st
        on st.session_key = w.session_key and st.driver_number = w.driver_number
        and w.lap_number between st.lap_start and st.lap_end
    left join status_per_lap as ts
        on ts.session_key = w.session_key and ts.driver_number = w.driver_number
        and ts.lap_number = w.lap_number and w.date_start is not null
    qualify row_number() over (
        partition by w.session_key, w.driver_number, w.lap_number order by st.stint_number desc
    ) = 1
)

select * from final
