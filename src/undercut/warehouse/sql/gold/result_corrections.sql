-- purpose: race classifications amended after the race that the archive's
--          results still show as run (its own standings already use the amended order).
-- grain: one row per (season, round, driver_id) whose classified position changed.
--        2011 Canadian GP: Karthikeyan's 20-second penalty dropped him from 14th to 17th,
--        moving D'Ambrosio, Glock and Trulli up one place.
-- depends on: (none; a seed)
with corrections (season, round, driver_id, position, reason) as (
    values
        (2011, 7, 'karthikeyan', 17, '20-second penalty after the race'),
        (2011, 7, 'ambrosio', 14, 'moved up after a penalty ahead'),
        (2011, 7, 'glock', 15, 'moved up after a penalty ahead'),
        (2011, 7, 'trulli', 16, 'moved up after a penalty ahead')
),

final as (
    select season::integer as season, round::integer as round, driver_id,
        position::integer as position, reason
    from corrections
)

select * from final
