-- purpose: one row per driver, keyed by its Ergast ref (driver_id).
-- grain: one row per driver (driver_id).
-- depends on: archive.drivers
with drivers as (select * from archive.drivers),

final as (
    select
        driverRef as driver_id,
        number as permanent_number,
        code,
        forename as given_name,
        surname as family_name,
        dob as date_of_birth,
        nationality,
        url
    from drivers
)

select * from final
