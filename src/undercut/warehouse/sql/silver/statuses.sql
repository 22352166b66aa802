-- purpose: finishing statuses ("Finished", "+1 Lap", "Engine", ...), keyed by id.
-- grain: one row per status (status_id).
-- depends on: archive.status
with status as (select * from archive.status),

final as (
    select
        statusId as status_id,
        status
    from status
)

select * from final
