-- purpose: Ergast /status: how the race entries the path's filters select ended, with counts.
-- grain: one row per finishing status.
-- depends on: silver.statuses, _scope (scoped_entries)
with
-- @_scope
,

final as (
    select e.status_id, st.status, count(*) as entries
    from scoped_entries as e
    inner join silver.statuses as st on st.status_id = e.status_id
    group by e.status_id, st.status
)

select * from final
order by status_id
