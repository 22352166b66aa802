-- purpose: Ergast /circuits: circuits that held a race the path's filters select.
-- grain: one row per circuit.
-- depends on: silver.circuits, _scope (scoped_races, scoped_entries)
with
-- @_scope
,

final as (
    select ci.circuit_id, ci.url as circuit_url, ci.circuit_name, ci.lat, ci.lng, ci.locality,
        ci.country
    from silver.circuits as ci
    where ($circuit is null or ci.circuit_id = $circuit)
        and ($by_race is null or ci.circuit_id in (select circuit_id from scoped_races))
        and ($by_entry is null or ci.circuit_id in (select circuit_id from scoped_entries))
)

select * from final
order by circuit_id
