-- purpose: classified results that were not eligible for points.
-- grain: one row per (season, round, driver_id). passes_down: the points went to the next
--        eligible finishers (the Formula 2 cars of the 1967 German GP); otherwise the place's
--        points were not awarded. One-car entries were ineligible in 1984 and 1987, Formula 2
--        cars in the German GPs of 1958 and 1967, and in 1963 Hill lost his French GP points
--        for a push start. At the 1957 British GP the 4th-placed Ferrari's points went to
--        Trintignant alone, not split with Collins, who shared the car.
-- depends on: (none; a seed)
with ineligible (season, round, driver_id, passes_down, reason) as (
    values
        (1957, 5, 'collins', false, 'shared the 4th-placed car; its points went to Trintignant'),
        (1958, 8, 'mclaren', false, 'Formula 2 car'),
        (1963, 4, 'hill', false, 'push-started on the grid'),
        (1967, 7, 'oliver', true, 'Formula 2 car'),
        (1967, 7, 'rees', true, 'Formula 2 car'),
        (1984, 14, 'gartner', false, 'Osella entered one car for the season'),
        (1984, 14, 'berger', false, 'ATS entered one car for the season'),
        (1987, 16, 'dalmas', false, 'Larrousse entered one car for the season')
),

final as (
    select season::integer as season, round::integer as round, driver_id, passes_down, reason
    from ineligible
)

select * from final
