-- purpose: silver tables that can tell a race's circuit length (a column course_length_km
--          or course_length_m beside season and round, as loaded from F1DB).
-- grain: table_name, column_name.
-- depends on: information_schema.columns
select c.table_name, c.column_name
from information_schema.columns as c
where
    c.table_schema = 'silver'
    and c.column_name in ('course_length_km', 'course_length_m')
    and exists (
        select 1 from information_schema.columns as s
        where s.table_schema = 'silver' and s.table_name = c.table_name and s.column_name = 'season'
    )
    and exists (
        select 1 from information_schema.columns as r
        where r.table_schema = 'silver' and r.table_name = c.table_name and r.column_name = 'round'
    )
order by c.table_name
