-- purpose: each driver's qualifying place and best lap time of the weekend
--          (the fastest of Q1/Q2/Q3 that was set; null when no time was set).
-- grain: one row per (season, round, driver_id).
-- depends on: silver.qualifying
with qualifying as (select * from silver.qualifying),

ranked as (
    select
        season,
        round,
        driver_id,
        constructor_id,
        position as quali_position,
        least(q1_ms, q2_ms, q3_ms) as quali_best_ms,
        row_number() over (partition by season, round, driver_id order by position) as entry_rank
    from qualifying
),

final as (
    select season, round, driver_id, constructor_id, quali_position, quali_best_ms
    from ranked
    where entry_rank = 1
)

select * from final
order by season, round, quali_position
