-- purpose: points taken away by the governing body after the races.
-- grain: one row per (championship, season, competitor_id, from_round). kind 'deduction'
--        subtracts points_delta from the standings from from_round on; kind 'forfeit'
--        drops every point scored before from_round (an entry whose points did not pass to
--        its successor).
-- depends on: (none; a seed)
with adjustments (championship, season, competitor_id, from_round, kind, points_delta,
                  reason) as (
    values
        ('constructors', 2018, 'force_india', 13, 'forfeit', 0.0,
         'Force India entry replaced by Racing Point Force India; earlier points not carried over'),
        ('constructors', 2020, 'racing_point', 5, 'deduction', -15.0,
         'deduction for the brake-duct design (2020 Styrian GP protest)')
),

final as (
    select
        championship,
        season::integer as season,
        competitor_id,
        from_round::integer as from_round,
        kind,
        points_delta::double as points_delta,
        reason
    from adjustments
)

select * from final
