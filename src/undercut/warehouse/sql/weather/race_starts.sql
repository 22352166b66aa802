-- purpose: Race start times (UTC) at each circuit, with the circuit's coordinates: what the weather
--          pull requests and what the weather transforms window around.
-- grain: season, round.
-- A race without a recorded start time (most before 2005) is taken to start at 14:00
-- local solar time, i.e. 14 - longitude/15 hours UTC, flagged is_start_time_estimated.
-- depends on: silver.races, silver.circuits
with races as (select * from silver.races),

circuits as (select * from silver.circuits),

final as (
    select
        r.season,
        r.round,
        r.circuit_id,
        c.lat,
        c.lng,
        coalesce(
            r.race_date + r.race_time,
            r.race_date::timestamp + to_hours((14 - round(coalesce(c.lng, 0) / 15))::bigint)
        ) as race_start_at,
        r.race_time is null as is_start_time_estimated
    from races as r
    left join circuits as c on c.circuit_id = r.circuit_id
    where r.race_date is not null
)

select * from final
