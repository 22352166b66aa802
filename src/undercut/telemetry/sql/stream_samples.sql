-- purpose: the silver samples of one driver's stream: records with a date, one per
--          timestamp (a complete one preferred), in time order.
-- grain: date.
-- depends on: car_data.sql or location.sql (staged as `received`)
with final as (
    select * exclude (received, is_incomplete)
    from received
    where date is not null
    qualify row_number() over (partition by date order by is_incomplete, received) = 1
)

select * from final order by date
