-- severity: warning
-- table: gold.constructor_colours
-- column: constructor_id
-- message: a colour is seeded for a constructor the warehouse does not know (a misspelt ref)
select c.constructor_id as value
from gold.constructor_colours as c
where not exists (
    select 1 from silver.constructors as s where s.constructor_id = c.constructor_id
)
