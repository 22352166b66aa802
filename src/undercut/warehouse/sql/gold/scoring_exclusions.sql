-- purpose: competitors excluded from a championship after the fact.
-- grain: one row per (championship, season, competitor). They keep their points but are
--        classified after everyone else (Schumacher 1997, McLaren 2007).
-- depends on: (none; a seed)
with exclusions (championship, season, competitor_id, reason) as (
    values
        ('drivers', 1997, 'michael_schumacher', 'disqualified from the championship'),
        ('constructors', 2007, 'mclaren', 'excluded from the championship')
),

final as (
    select championship, season::integer as season, competitor_id, reason
    from exclusions
)

select * from final
