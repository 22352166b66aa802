-- severity: warning
-- table: openf1 laps
-- column: lap_number
-- message: the same lap was received more than once (the first record was kept)
select session_key, driver_number, lap_number as lap, count(*) as value
from openf1.laps
group by session_key, driver_number, lap_number
having count(*) > 1
order by session_key, driver_number, lap_number
