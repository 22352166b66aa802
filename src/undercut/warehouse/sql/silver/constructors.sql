-- silver.constructors: one row per constructor, keyed by its Ergast ref.
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
