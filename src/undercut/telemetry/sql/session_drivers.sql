-- purpose: the drivers of one OpenF1 session mapped onto warehouse drivers, optionally
--          one of them by three-letter code or driver id (case-insensitive).
-- grain: driver_number.
-- depends on: silver.session_drivers, silver.drivers
select
    sd.driver_number,
    sd.driver_id,
    coalesce(sd.name_acronym, d.code) as code
from silver.session_drivers as sd
left join silver.drivers as d on d.driver_id = sd.driver_id
where
    sd.session_key = :session_key
    and sd.driver_id is not null
    and (
        :driver is null
        or upper(coalesce(sd.name_acronym, d.code, '')) = upper(:driver)
        or lower(sd.driver_id) = lower(:driver)
    )
order by sd.driver_number
