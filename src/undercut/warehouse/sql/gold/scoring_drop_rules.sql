-- purpose: "best N results" rules of the 1950-1990 championships.
-- grain: one row per (championship, season, block). Only a competitor's best_n race scores
--        among rounds first_round..last_round count; seasons split in two halves
--        (1967-1980) have two blocks. Seasons without a row count every result.
-- depends on: (none; a seed)
with blocks (season, first_round, last_round, best_n) as (
    values
        (1950, 1, 99, 4), (1951, 1, 99, 4), (1952, 1, 99, 4), (1953, 1, 99, 4),
        (1954, 1, 99, 5), (1955, 1, 99, 5), (1956, 1, 99, 5), (1957, 1, 99, 5),
        (1958, 1, 99, 6), (1959, 1, 99, 5), (1960, 1, 99, 6), (1961, 1, 99, 5),
        (1962, 1, 99, 5), (1963, 1, 99, 6), (1964, 1, 99, 6), (1965, 1, 99, 6),
        (1966, 1, 99, 5),
        (1967, 1, 6, 5), (1967, 7, 99, 4),
        (1968, 1, 6, 5), (1968, 7, 99, 5),
        (1969, 1, 6, 5), (1969, 7, 99, 4),
        (1970, 1, 7, 6), (1970, 8, 99, 5),
        (1971, 1, 6, 5), (1971, 7, 99, 4),
        (1972, 1, 6, 5), (1972, 7, 99, 5),
        (1973, 1, 8, 7), (1973, 9, 99, 6),
        (1974, 1, 8, 7), (1974, 9, 99, 6),
        (1975, 1, 7, 6), (1975, 8, 99, 6),
        (1976, 1, 8, 7), (1976, 9, 99, 7),
        (1977, 1, 9, 8), (1977, 10, 99, 7),
        (1978, 1, 8, 7), (1978, 9, 99, 7),
        (1979, 1, 7, 4), (1979, 8, 99, 4),
        (1980, 1, 7, 5), (1980, 8, 99, 5),
        (1981, 1, 99, 11), (1982, 1, 99, 11), (1983, 1, 99, 11), (1984, 1, 99, 11),
        (1985, 1, 99, 11), (1986, 1, 99, 11), (1987, 1, 99, 11), (1988, 1, 99, 11),
        (1989, 1, 99, 11), (1990, 1, 99, 11)
),

-- The constructors' championship dropped scores on the drivers' pattern until 1978.
championships (championship, last_season) as (
    values ('drivers', 1990), ('constructors', 1978)
),

final as (
    select
        c.championship,
        b.season::integer as season,
        row_number() over (
            partition by c.championship, b.season order by b.first_round
        )::integer as block,
        b.first_round::integer as first_round,
        b.last_round::integer as last_round,
        b.best_n::integer as best_n
    from blocks as b
    inner join championships as c on b.season <= c.last_season
    where c.championship = 'drivers' or b.season >= 1958
)

select * from final
