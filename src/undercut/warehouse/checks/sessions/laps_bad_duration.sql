-- severity: warning
-- table: openf1 laps
-- column: lap_duration
-- message: a lap or sector duration is zero or negative (set to null)
select session_key, driver_number, lap_number as lap, lap_duration as value
from openf1.laps
where lap_duration <= 0 or duration_sector_1 <= 0 or duration_sector_2 <= 0
    or duration_sector_3 <= 0
order by session_key, driver_number, lap_number
