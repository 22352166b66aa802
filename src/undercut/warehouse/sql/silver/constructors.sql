-- purpose: one row per constructor, keyed by its Ergast ref.
-- grain: one row per constructor (constructor_id).
-- depends on: archive.constructors
with constructors as (select * from archive.constructors),

final as (
    select
        constructorRef as constructor_id,
        name as constructor_name,
        nationality,
        url
    from constructors
)

select * from final
