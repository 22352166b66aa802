-- purpose: the races and sprints whose telemetry `update --sessions --telemetry` looks
--          at: those of :season, or of the latest season with OpenF1 sessions, that have
--          already started.
-- grain: season, round, session_name.
-- depends on: silver.sessions
with scope as (
    select coalesce(:season, max(season)) as season
    from silver.sessions
    where round is not null and season >= :first_season
),

final as (
    select distinct s.season, s.round, s.session_name
    from silver.sessions as s
    inner join scope on scope.season = s.season
    where s.round is not null and s.session_name in ('Race', 'Sprint') and s.started_at < :now
)

select * from final order by season, round, session_name
