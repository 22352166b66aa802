-- severity: error
-- table: gold.constructor_colours
-- column: first_season
-- message: two colour eras of one constructor overlap, so a season would have two colours
select concat(a.constructor_id, ':', b.first_season) as value
from gold.constructor_colours as a
inner join gold.constructor_colours as b
    on b.constructor_id = a.constructor_id and b.first_season > a.first_season
    and b.first_season <= a.last_season
