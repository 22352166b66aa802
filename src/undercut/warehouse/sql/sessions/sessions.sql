-- purpose: silver.sessions from OpenF1 meetings + sessions, mapped onto warehouse races.
-- grain: session_key.
-- Mapping: a meeting is the race of the same season whose date is within a day of the
-- meeting's race session (its last session when it has no race); among several, the one
-- whose circuit locality/country matches OpenF1's location/country wins.
-- is_circuit_matched is false when only the date matched (reported as a warning).
-- depends on: openf1.meetings, openf1.sessions, silver.races, silver.circuits
with meetings as (
    select * from openf1.meetings
    qualify row_number() over (partition by meeting_key order by _file, _row) = 1
),

sessions as (
    select * from openf1.sessions
    qualify row_number() over (partition by session_key order by _file, _row) = 1
),

races as (
    select r.season, r.round, r.race_date, r.circuit_id, c.locality, c.country
    from silver.races as r
    left join silver.circuits as c on c.circuit_id = r.circuit_id
),

country_aliases (openf1_name, ergast_name) as (
    values ('united kingdom', 'uk'), ('great britain', 'uk'), ('united states', 'usa'),
           ('united arab emirates', 'uae'), ('korea', 'korea'), ('netherlands', 'netherlands')
),

meeting_dates as (
    select
        s.meeting_key,
        coalesce(max(s.year), max(year(s.date_start))) as season,
        coalesce(
            max(s.date_start) filter (where lower(s.session_name) = 'race'),
            max(s.date_start)
        ) as race_session_at,
        any_value(s.location) as location,
        any_value(s.country_name) as country_name
    from sessions as s
    group by s.meeting_key
),

candidates as (
    select
        m.meeting_key,
        r.season,
        r.round,
        r.circuit_id,
        abs(date_diff('day', r.race_date, cast(m.race_session_at as date))) as days_off,
        (
            lower(strip_accents(r.locality)) = lower(strip_accents(m.location))
            or lower(strip_accents(r.locality)) like '%' || lower(strip_accents(m.location)) || '%'
            or lower(strip_accents(m.location)) like '%' || lower(strip_accents(r.locality)) || '%'
            or lower(r.country) = lower(m.country_name)
            or lower(r.country) = (
                select a.ergast_name from country_aliases as a
                where a.openf1_name = lower(m.country_name)
            )
        ) as is_circuit_matched
    from meeting_dates as m
    inner join races as r
        on r.season = m.season
        and abs(date_diff('day', r.race_date, cast(m.race_session_at as date))) <= 1
),

mapped as (
    select *
    from candidates
    qualify row_number() over (
        partition by meeting_key
        order by coalesce(is_circuit_matched, false) desc, days_off, round
    ) = 1
),

final as (
    select
        s.session_key,
        s.meeting_key,
        coalesce(mp.season, s.year, year(s.date_start))::integer as season,
        mp.round::integer as round,
        mp.circuit_id,
        me.meeting_name,
        s.session_name,
        s.session_type,
        s.location,
        s.country_name,
        s.circuit_short_name,
        s.date_start as started_at,
        s.date_end as ended_at,
        s.gmt_offset,
        coalesce(mp.is_circuit_matched, false) as is_circuit_matched
    from sessions as s
    left join meetings as me on me.meeting_key = s.meeting_key
    left join mapped as mp on mp.meeting_key = s.meeting_key
)

select * from final
