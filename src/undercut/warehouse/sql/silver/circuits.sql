-- purpose: one row per circuit, keyed by its Ergast ref (circuit_id).
-- grain: one row per circuit (circuit_id).
-- depends on: archive.circuits
with circuits as (select * from archive.circuits),

final as (
    select
        circuitRef as circuit_id,
        name as circuit_name,
        location as locality,
        country,
        lat,
        lng,
        alt,
        url
    from circuits
)

select * from final
