-- purpose: one row per Grand Prix (season, round), with session dates/times in UTC.
-- grain: one row per (season, round).
-- depends on: archive.races, archive.circuits
with races as (select * from archive.races),

circuits as (select * from archive.circuits),

final as (
    select
        r.year as season,
        r.round,
        c.circuitRef as circuit_id,
        r.name as race_name,
        r.date as race_date,
        r.time as race_time,
        r.url,
        r.fp1_date, r.fp1_time,
        r.fp2_date, r.fp2_time,
        r.fp3_date, r.fp3_time,
        r.quali_date, r.quali_time,
        r.sprint_date, r.sprint_time,
        r.raceId as archive_race_id
    from races as r
    left join circuits as c on c.circuitId = r.circuitId
)

select * from final
