-- severity: warning
-- table: openf1 laps
-- column: driver_number
-- message: laps of a car number the session's drivers list lacks (kept, driver_id null)
select l.session_key, l.driver_number as value, count(*) as laps
from openf1.laps as l
where not exists (
    select 1 from openf1.drivers as d
    where d.session_key = l.session_key and d.driver_number = l.driver_number
)
group by l.session_key, l.driver_number
order by l.session_key, l.driver_number
