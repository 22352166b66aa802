-- purpose: constructors' championship (from 1958) recomputed after every
--          round.
-- grain: one row per (season, round, constructor_id) for each round with race results from
--        1958 on, and each constructor with a result so far that season. points apply the
--        dropped-score rules (until 1978) and later deductions or forfeits to the rounds
--        run so far; gross_points counts every result. Ties are broken by countback over
--        the constructor's classified finishes, then the finishing order of all its cars;
--        constructors excluded from a championship are classified last.
-- incremental by: season
-- depends on: gold.championship_standings
with standings as (
    select * from gold.championship_standings where championship = 'constructors'
),

final as (
    select
        season,
        round,
        competitor_id as constructor_id,
        position,
        points,
        wins,
        gross_points,
        is_excluded
    from standings
)

select * from final
