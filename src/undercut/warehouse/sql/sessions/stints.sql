-- purpose: silver.stints from OpenF1 stints; duplicates keep the first record received.
-- grain: session_key, driver_number, stint_number.
-- depends on: openf1.stints, silver.sessions, silver.session_drivers
with stints as (
    select * from openf1.stints
    qualify row_number() over (
        partition by session_key, driver_number, stint_number order by _file, _row
    ) = 1
),

final as (
    select
        s.season,
        s.round,
        st.session_key::integer as session_key,
        d.driver_id,
        st.driver_number::integer as driver_number,
        st.stint_number::integer as stint_number,
        st.lap_start::integer as lap_start,
        st.lap_end::integer as lap_end,
        case when st.lap_end >= st.lap_start then st.lap_end - st.lap_start + 1 end::integer
            as laps,
        upper(st.compound) as compound,
        st.tyre_age_at_start::integer as tyre_age_at_start
    from stints as st
    left join silver.sessions as s on s.session_key = st.session_key
    left join silver.session_drivers as d
        on d.session_key = st.session_key and d.driver_number = st.driver_number
)

select * from final
