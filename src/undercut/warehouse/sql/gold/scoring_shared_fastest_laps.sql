-- purpose: fastest laps shared by drivers the archive does not all
--        credit. At the 1954 British GP seven drivers were timed at 1:50 and each was paid
--        1/7 of the fastest-lap point; the archive gives 0.14 to the four finishers among
--        them and nothing to the three who retired (Moss, Ascari, Behra).
-- grain: one row per (season, round, driver_id) credited with a share.
-- depends on: (none; a seed)
with shared (season, round, driver_id) as (
    values
        (1954, 5, 'gonzalez'),
        (1954, 5, 'hawthorn'),
        (1954, 5, 'marimon'),
        (1954, 5, 'fangio'),
        (1954, 5, 'moss'),
        (1954, 5, 'ascari'),
        (1954, 5, 'behra')
),

final as (
    select season::integer as season, round::integer as round, driver_id
    from shared
)

select * from final
