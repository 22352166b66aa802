-- purpose: silver.f1db_id_map: every F1DB driver, constructor, circuit and race mapped to
--   the warehouse's Ergast ref, with the evidence that decided it.
-- grain: (kind, f1db_id).
-- Drivers: same date of birth and surname (accents and punctuation ignored), or one of
-- the two plus the same car number in the same races. Races: same season and round, dates
-- within a week. Circuits: the nearest Ergast circuit within 5 km, else the Ergast circuit
-- of the most races held at the same season and round. Constructors: the
-- Ergast constructor of the most shared race results (same race, same mapped driver).
-- depends on: f1db.drivers, f1db.circuits, f1db.constructors, f1db.races,
--   f1db.race_results, silver.drivers, silver.circuits, silver.races, silver.race_results
with f1db_drivers as (
    select
        f1db_driver_id,
        date_of_birth,
        regexp_replace(lower(strip_accents(last_name)), '[^a-z]', '', 'g') as surname_key
    from f1db.drivers
),

ergast_drivers as (
    select
        driver_id,
        date_of_birth,
        regexp_replace(lower(strip_accents(family_name)), '[^a-z]', '', 'g') as surname_key
    from silver.drivers
),

shared_numbers as (
    select f.f1db_driver_id, e.driver_id, count(*) as races
    from f1db.race_results as f
    inner join silver.race_results as e
        on e.season = f.season
        and e.round = f.round
        and e.car_number = try_cast(f.car_number as integer)
    group by f.f1db_driver_id, e.driver_id
),

driver_candidates as (
    select
        f.f1db_driver_id,
        e.driver_id,
        f.date_of_birth = e.date_of_birth as is_same_birth,
        (
            f.surname_key = e.surname_key
            or starts_with(f.surname_key, e.surname_key)
            or starts_with(e.surname_key, f.surname_key)
        ) as is_same_surname,
        coalesce(s.races, 0) as shared_races
    from f1db_drivers as f
    inner join ergast_drivers as e
        on f.date_of_birth = e.date_of_birth or f.surname_key = e.surname_key
    left join shared_numbers as s
        on s.f1db_driver_id = f.f1db_driver_id and s.driver_id = e.driver_id
),

driver_matches as (
    select *
    from driver_candidates
    where (coalesce(is_same_birth, false) and is_same_surname)
        or (shared_races > 0 and (coalesce(is_same_birth, false) or is_same_surname))
    qualify row_number() over (
        partition by f1db_driver_id
        order by (coalesce(is_same_birth, false) and is_same_surname) desc, shared_races desc,
            driver_id
    ) = 1
),

drivers as (
    select
        'driver' as kind,
        f.f1db_driver_id as f1db_id,
        m.driver_id as ergast_id,
        case
            when m.driver_id is null then null
            when m.is_same_birth and m.is_same_surname then 'surname+date_of_birth'
            when m.is_same_birth then 'date_of_birth+car_number'
            else 'surname+car_number'
        end as method,
        case
            when m.driver_id is not null then concat_ws(
                '; ',
                case when m.is_same_birth then 'born ' || f.date_of_birth end,
                case when m.is_same_surname then 'surname ' || f.surname_key end,
                m.shared_races || ' races with the same car number'
            )
        end as evidence
    from f1db_drivers as f
    left join driver_matches as m on m.f1db_driver_id = f.f1db_driver_id
),

race_matches as (
    select
        f.season,
        f.round,
        e.season as ergast_season,
        abs(date_diff('day', f.race_date, e.race_date)) as days_apart
    from f1db.races as f
    left join silver.races as e
        on e.season = f.season
        and e.round = f.round
        and abs(date_diff('day', f.race_date, e.race_date)) <= 7
),

races as (
    select
        'race' as kind,
        season || ':' || round as f1db_id,
        case when ergast_season is not null then season || ':' || round end as ergast_id,
        case when ergast_season is not null then 'season+round' end as method,
        case
            when ergast_season is not null then 'race dates ' || days_apart || ' days apart'
        end as evidence
    from race_matches
),

circuit_distances as (
    select
        f.f1db_circuit_id,
        e.circuit_id,
        2 * 6371 * asin(sqrt(
            pow(sin(radians(e.lat - f.latitude) / 2), 2)
            + cos(radians(f.latitude)) * cos(radians(e.lat))
            * pow(sin(radians(e.lng - f.longitude) / 2), 2)
        )) as km
    from f1db.circuits as f
    cross join silver.circuits as e
    qualify row_number() over (partition by f.f1db_circuit_id order by km, e.circuit_id) = 1
),

shared_races as (
    select f.f1db_circuit_id, e.circuit_id, count(*) as races
    from f1db.races as f
    inner join silver.races as e on e.season = f.season and e.round = f.round
    group by f.f1db_circuit_id, e.circuit_id
    qualify row_number() over (
        partition by f.f1db_circuit_id order by count(*) desc, e.circuit_id
    ) = 1
),

circuits as (
    select
        'circuit' as kind,
        f.f1db_circuit_id as f1db_id,
        case when d.km <= 5 then d.circuit_id else s.circuit_id end as ergast_id,
        case when d.km <= 5 then 'coordinates' when s.circuit_id is not null then 'shared_races'
        end as method,
        case
            when d.km <= 5 then 'nearest circuit, ' || round(d.km, 2) || ' km apart'
            when s.circuit_id is not null
                then s.races || ' races at the same season and round; nearest circuit '
                || d.circuit_id || ' ' || round(d.km, 1) || ' km apart'
        end as evidence
    from f1db.circuits as f
    left join circuit_distances as d on d.f1db_circuit_id = f.f1db_circuit_id
    left join shared_races as s on s.f1db_circuit_id = f.f1db_circuit_id
),

shared_results as (
    select r.f1db_constructor_id, e.constructor_id, count(*) as results
    from f1db.race_results as r
    inner join driver_matches as m on m.f1db_driver_id = r.f1db_driver_id
    inner join silver.race_results as e
        on e.season = r.season and e.round = r.round and e.driver_id = m.driver_id
    group by r.f1db_constructor_id, e.constructor_id
),

constructor_matches as (
    select
        f1db_constructor_id,
        constructor_id,
        results,
        sum(results) over (partition by f1db_constructor_id) as all_results
    from shared_results
    qualify row_number() over (
        partition by f1db_constructor_id order by results desc, constructor_id
    ) = 1
),

constructors as (
    select
        'constructor' as kind,
        f.f1db_constructor_id as f1db_id,
        m.constructor_id as ergast_id,
        case when m.constructor_id is not null then 'shared_results' end as method,
        case
            when m.constructor_id is not null
                then m.results || ' of ' || m.all_results || ' shared race results'
        end as evidence
    from f1db.constructors as f
    left join constructor_matches as m on m.f1db_constructor_id = f.f1db_constructor_id
),

final as (
    select *, ergast_id is not null as is_matched from drivers
    union all by name
    select *, ergast_id is not null as is_matched from constructors
    union all by name
    select *, ergast_id is not null as is_matched from circuits
    union all by name
    select *, ergast_id is not null as is_matched from races
)

select * from final
