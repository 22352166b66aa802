-- severity: warning
-- table: openf1 pit
-- column: driver_number
-- message: pit stops of a car number the session's drivers list lacks
select p.session_key, p.driver_number as value, count(*) as stops
from openf1.pit as p
where not exists (
    select 1 from openf1.drivers as d
    where d.session_key = p.session_key and d.driver_number = p.driver_number
)
group by p.session_key, p.driver_number
order by p.session_key, p.driver_number
