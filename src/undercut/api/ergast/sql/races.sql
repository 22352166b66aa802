-- purpose: Ergast /races: the schedule (race and session dates/times) the path's filters select.
-- grain: one row per race (season, round).
-- depends on: silver.races, _scope (scoped_races, scoped_entries, race_details)
with
-- @_scope
,

final as (
    select rd.*,
        ra.fp1_date, ra.fp1_time, ra.fp2_date, ra.fp2_time, ra.fp3_date, ra.fp3_time,
        ra.quali_date, ra.quali_time, ra.sprint_date, ra.sprint_time
    from race_details as rd
    inner join silver.races as ra on ra.season = rd.season and ra.round = rd.round
    where (rd.season, rd.round) in (select season, round from scoped_races)
        and (not $by_entry or (rd.season, rd.round) in (select season, round from scoped_entries))
)

select * from final
order by season, round
