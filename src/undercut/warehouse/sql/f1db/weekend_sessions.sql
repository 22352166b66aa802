-- purpose: the start (UTC) of every weekend session F1DB dates, one row per session.
-- grain: (season, round, session).
-- depends on: f1db.races
with races as (select * from f1db.races),

sessions as (
    select season, round, 'fp1' as session, fp1_date as session_date, fp1_time as session_time
    from races
    union all
    select season, round, 'fp2', fp2_date, fp2_time from races
    union all
    select season, round, 'fp3', fp3_date, fp3_time from races
    union all
    select season, round, 'fp4', fp4_date, fp4_time from races
    union all
    select season, round, 'sprint-qualifying', sprint_qualifying_date, sprint_qualifying_time
    from races
    union all
    select season, round, 'sprint', sprint_date, sprint_time from races
    union all
    select season, round, 'qualifying', qualifying_date, qualifying_time from races
    union all
    select season, round, 'race', race_date, race_time from races
),

final as (
    select
        season::integer as season,
        round::integer as round,
        session,
        session_date,
        session_date + session_time as starts_at
    from sessions
    where session_date is not null
)

select * from final
