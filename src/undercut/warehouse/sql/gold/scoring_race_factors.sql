-- purpose: races that paid other than full points.
-- grain: one row per (season, round). Half points were paid when less than the required
--        distance was run (1975 Spain and Austria, 1984 Monaco, 1991 Australia, 2009
--        Malaysia, 2021 Belgium, where no fastest-lap point was given either); 2014's finale
--        paid double.
--        The Indianapolis 500 (1950-1960) counted for drivers only.
-- incremental by: season
-- depends on: silver.races
with fixed (season, round, race_name, driver_factor, constructor_factor, fastest_lap_awarded) as (
    values
        (1975, 4, 'Spanish Grand Prix', 0.5, 0.5, true),
        (1975, 12, 'Austrian Grand Prix', 0.5, 0.5, true),
        (1984, 6, 'Monaco Grand Prix', 0.5, 0.5, true),
        (1991, 16, 'Australian Grand Prix', 0.5, 0.5, true),
        (2009, 2, 'Malaysian Grand Prix', 0.5, 0.5, true),
        (2014, 19, 'Abu Dhabi Grand Prix', 2.0, 2.0, true),
        (2021, 12, 'Belgian Grand Prix', 0.5, 0.5, false)
),

races as (select * from silver.races),

indianapolis as (
    select season, round, race_name, 1.0 as driver_factor, 0.0 as constructor_factor,
        true as fastest_lap_awarded
    from races
    where circuit_id = 'indianapolis' and season <= 1960
),

final as (
    select
        f.season::integer as season,
        f.round::integer as round,
        f.race_name,
        f.driver_factor::double as driver_factor,
        f.constructor_factor::double as constructor_factor,
        f.fastest_lap_awarded
    from fixed as f
    union all
    select season, round, race_name, driver_factor, constructor_factor, fastest_lap_awarded
    from indianapolis
)

select * from final
