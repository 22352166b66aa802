-- purpose: a constructor's history in numbers: gold.competitor_summary (the
--        definitions drivers and constructors share) with the constructor's identity.
--        Points and championships are the constructors' championship's (from 1958).
-- grain: one row per silver.constructors constructor.
-- depends on: silver.constructors, gold.competitor_summary
with constructors as (select * from silver.constructors),

careers as (select * from gold.competitor_summary where kind = 'constructor'),

final as (
    select
        c.constructor_id,
        c.constructor_name,
        c.nationality,
        h.* exclude (kind, competitor_id)
    from constructors as c
    inner join careers as h on h.competitor_id = c.constructor_id
)

select * from final
