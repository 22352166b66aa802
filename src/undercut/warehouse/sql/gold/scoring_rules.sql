-- purpose: season-level scoring rules other than the points scale.
-- grain: one row per era [first_season, last_season].
--   fastest_lap_points      point(s) for the fastest race lap (shared if several set it)
--   fastest_lap_top10_only  only when the driver finishes in the top ten (2019-2024)
--   fastest_lap_constructors whether that point also counts for the constructor
--   shared_drives           'split': a car's points shared equally by its drivers
--                           (1950-1957); 'none': shared cars score nothing (1958 on)
--   constructor_cars        'best': only a constructor's best-placed car scores
--                           (1958-1978); 'all': every car scores (1979 on)
-- depends on: (none; a seed)
with rules (first_season, last_season, fastest_lap_points, fastest_lap_top10_only,
            fastest_lap_constructors, shared_drives, constructor_cars) as (
    values
        (1950, 1957, 1.0, false, false, 'split', 'best'),
        (1958, 1959, 1.0, false, false, 'none', 'best'),
        (1960, 1978, 0.0, false, false, 'none', 'best'),
        (1979, 2018, 0.0, false, false, 'none', 'all'),
        (2019, 2024, 1.0, true, true, 'none', 'all'),
        (2025, 9999, 0.0, false, false, 'none', 'all')
),

final as (
    select
        first_season::integer as first_season,
        last_season::integer as last_season,
        fastest_lap_points::double as fastest_lap_points,
        fastest_lap_top10_only,
        fastest_lap_constructors,
        shared_drives,
        constructor_cars
    from rules
)

select * from final
