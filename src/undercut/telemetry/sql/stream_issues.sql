-- purpose: what one driver's telemetry answers held that silver cannot keep as sent:
--          records without a usable date (dropped), samples received more than once (kept
--          once), samples out of time order (sorted), samples with missing or mistyped
--          values (kept, the values null).
-- grain: one row (counts).
-- depends on: car_data.sql or location.sql (staged as `received`)
with ordered as (
    select
        *,
        lag(date) over (order by received) as previous_date
    from received
),

final as (
    select
        count(*) as records,
        count(*) filter (where date is null) as without_date,
        count(date) - count(distinct date) as duplicates,
        count(*) filter (where date < previous_date) as out_of_order,
        count(*) filter (where date is not null and is_incomplete) as incomplete
    from ordered
)

select * from final
