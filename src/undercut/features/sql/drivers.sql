-- purpose: the three-letter code shown beside each prediction.
-- grain: one row per driver_id.
-- depends on: silver.drivers
with drivers as (select * from silver.drivers),

final as (
    select driver_id, code
    from drivers
)

select * from final
