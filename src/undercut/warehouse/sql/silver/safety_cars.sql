-- purpose: safety-car periods per race ("1973 Canadian Grand Prix" → season, round).
-- grain: one row per safety-car period.
-- depends on: archive.safety_cars, archive.races
with safety_cars as (select * from archive.safety_cars),

races as (select * from archive.races),

final as (
    select
        sc.Race as race_label,
        ra.year as season,
        ra.round,
        sc.Cause as cause,
        sc.Deployed as deployed_lap,
        sc.Retreated as retreated_lap,
        sc.FullLaps as full_laps
    from safety_cars as sc
    left join races as ra on concat(ra.year, ' ', ra.name) = sc.Race
)

select * from final
