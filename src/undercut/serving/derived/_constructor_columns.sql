-- purpose: A constructor's columns as every Ergast answer shows them (after the row's own
--          constructor_id), included by the derived tables that join silver.constructors as c.
-- grain: one constructor.
-- depends on: silver.constructors
    c.url as constructor_url, c.constructor_name,
    c.nationality as constructor_nationality,
