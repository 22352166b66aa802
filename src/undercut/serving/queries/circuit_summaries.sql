-- purpose: every circuit with how often and when it held a Grand Prix
-- grain: one row per circuit
-- depends on: silver.circuits, silver.races, silver.race_results
with held as (
    select races.circuit_id, count(*) as races_held,
           min(races.season) as first_season, max(races.season) as last_season
    from silver.races as races
    where exists (
        select 1 from silver.race_results as res
        where res.season = races.season and res.round = races.round
    )
    group by races.circuit_id
),

final as (
    select
        circuits.circuit_id,
        circuits.circuit_name,
        circuits.locality,
        circuits.country,
        circuits.lat,
        circuits.lng,
        coalesce(held.races_held, 0) as races_held,
        held.first_season,
        held.last_season
    from silver.circuits as circuits
    left join held on held.circuit_id = circuits.circuit_id
)

select * from final
