-- purpose: red-flag stoppages per race.
-- grain: one row per red flag (season, round, lap).
-- depends on: archive.red_flags, archive.races
with red_flags as (select * from archive.red_flags),

races as (select * from archive.races),

final as (
    select
        rf.Race as race_label,
        ra.year as season,
        ra.round,
        rf.Lap as lap,
        rf.Resumed as resumed,
        rf.Incident as incident,
        rf.Excluded as excluded
    from red_flags as rf
    left join races as ra on concat(ra.year, ' ', ra.name) = rf.Race
)

select * from final
