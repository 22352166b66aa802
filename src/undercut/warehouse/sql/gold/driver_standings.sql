-- purpose: drivers' championship recomputed after every round.
-- grain: one row per (season, round, driver_id) for each round with race results and each
--        driver with a result so far that season. points apply the season's dropped-score
--        rules (best N results per block) and any later deductions to the rounds run so
--        far; gross_points counts every result. Ties are broken by countback: classified
--        finishes (more wins, then more seconds, ...), then finishing order of every
--        result; drivers excluded from a championship are classified last.
-- incremental by: season
-- depends on: gold.championship_standings
with standings as (
    select * from gold.championship_standings where championship = 'drivers'
),

final as (
    select
        season,
        round,
        competitor_id as driver_id,
        position,
        points,
        wins,
        gross_points,
        is_excluded
    from standings
)

select * from final
