-- severity: warning
-- table: openf1 stints
-- column: lap_end
-- message: a stint without a first/last lap, ending before it starts, or overlapping another
select a.session_key, a.driver_number, a.stint_number, a.lap_start || '-' || a.lap_end as value
from openf1.stints as a
where a.lap_start is null or a.lap_end is null or a.lap_end < a.lap_start
    or exists (
        select 1 from openf1.stints as b
        where b.session_key = a.session_key and b.driver_number = a.driver_number
            and b.stint_number <> a.stint_number
            and b.lap_start <= a.lap_end and b.lap_end >= a.lap_start
    )
order by a.session_key, a.driver_number, a.stint_number
