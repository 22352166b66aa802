-- severity: warning
-- table: silver.practice_results
-- column: driver_id
-- message: a practice entry's driver matches no warehouse driver (a Friday test driver
--   who never started a race); kept with a null driver_id, for the car's pace
select p.season || ':' || p.round || ' ' || p.session as line, p.f1db_driver_id as value
from f1db.practice as p
where not exists (
    select 1 from silver.f1db_id_map as m
    where m.kind = 'driver' and m.f1db_id = p.f1db_driver_id and m.is_matched
)
order by p.season, p.round, p.session, p.f1db_driver_id
