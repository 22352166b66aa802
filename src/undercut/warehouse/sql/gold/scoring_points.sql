-- purpose: the points each classified position earned, era by era (data, not code).
-- grain: one row per (championship, session, first_season, position). A season uses the row
--        whose [first_season, last_season] contains it. Sources: the FIA sporting
--        regulations as summarised in the "points scoring systems" history of the
--        championship. Fastest-lap points, half/double points and dropped scores live in
--        scoring_rules, scoring_race_factors and scoring_drop_rules.
-- depends on: (none; a seed)
with scales (championship, session, first_season, last_season, points_by_position) as (
    values
        ('drivers', 'race', 1950, 1959, [8, 6, 4, 3, 2]),
        ('drivers', 'race', 1960, 1960, [8, 6, 4, 3, 2, 1]),
        ('drivers', 'race', 1961, 1990, [9, 6, 4, 3, 2, 1]),
        ('drivers', 'race', 1991, 2002, [10, 6, 4, 3, 2, 1]),
        ('drivers', 'race', 2003, 2009, [10, 8, 6, 5, 4, 3, 2, 1]),
        ('drivers', 'race', 2010, 9999, [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]),
        ('drivers', 'sprint', 2021, 2021, [3, 2, 1]),
        ('drivers', 'sprint', 2022, 9999, [8, 7, 6, 5, 4, 3, 2, 1]),
        ('constructors', 'race', 1958, 1959, [8, 6, 4, 3, 2]),
        ('constructors', 'race', 1960, 1960, [8, 6, 4, 3, 2, 1]),
        ('constructors', 'race', 1961, 1990, [9, 6, 4, 3, 2, 1]),
        ('constructors', 'race', 1991, 2002, [10, 6, 4, 3, 2, 1]),
        ('constructors', 'race', 2003, 2009, [10, 8, 6, 5, 4, 3, 2, 1]),
        ('constructors', 'race', 2010, 9999, [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]),
        ('constructors', 'sprint', 2021, 2021, [3, 2, 1]),
        ('constructors', 'sprint', 2022, 9999, [8, 7, 6, 5, 4, 3, 2, 1])
),

final as (
    select
        championship,
        session,
        first_season,
        last_season,
        position::integer as position,
        points_by_position[position]::double as points
    from scales, range(1, len(points_by_position) + 1) as positions(position)
)

select * from final
