-- purpose: how long each Grand Prix stint lasted and how fast it was.
-- grain: season, round, driver_id, stint_number.
-- incremental by: season
-- depends on: silver.stints, silver.sessions, gold.race_laps
with stints as (
    select st.*
    from silver.stints as st
    inner join silver.sessions as s on s.session_key = st.session_key
    where s.session_name = 'Race' and st.season is not null and st.round is not null
        and st.driver_id is not null
),

laps as (select * from gold.race_laps),

final as (
    select
        st.season,
        st.round,
        st.driver_id,
        st.stint_number,
        st.compound,
        st.lap_start,
        st.lap_end,
        st.laps,
        st.tyre_age_at_start,
        (st.tyre_age_at_start + st.laps - 1)::integer as tyre_age_at_end,
        (count(l.lap) filter (where l.is_clean))::integer as clean_laps,
        round(median(l.lap_time_ms) filter (where l.is_clean))::integer as median_clean_lap_ms
    from stints as st
    left join laps as l
        on l.season = st.season and l.round = st.round and l.driver_id = st.driver_id
        and l.lap between st.lap_start and st.lap_end
    group by st.season, st.round, st.driver_id, st.stint_number, st.compound, st.lap_start,
        st.lap_end, st.laps, st.tyre_age_at_start
)

select * from final
