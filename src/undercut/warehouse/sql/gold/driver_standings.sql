-- gold.driver_standings: drivers' championship recomputed after every round.
-- Grain: one row per (season, round, driver_id) for each round with race results and each
--        driver with a result so far that season. points apply the season's dropped-score
--        rules (best N results per block) and any later deductions to the rounds run so
--        far; gross_points counts every result. Ties are broken by countback: classified
--        finishes (more wins, then more seconds, ...), then finishing order of every
--        result; drivers excluded from a championship are classified last.
-- incremental by: season
-- depends on: gold.scored_results, gold.scoring_drop_rules, gold.scoring_exclusions,
--             gold.scoring_adjustments
with scored as (select * from gold.scored_results),

drop_rules as (select * from gold.scoring_drop_rules where championship = 'drivers'),

exclusions as (select * from gold.scoring_exclusions where championship = 'drivers'),

adjustments as (select * from gold.scoring_adjustments where championship = 'drivers'),

per_round as (
    select
        season,
        round,
        driver_id,
        sum(driver_points) as points,
        count(*) filter (where session = 'race' and position = 1) as wins,
        coalesce(list(position) filter (where session = 'race' and position is not null),
            []) as finishes,
        coalesce(list(position_order) filter (where session = 'race'), []) as orders
    from scored
    group by season, round, driver_id
),

rounds as (
    select distinct season, round as after_round from scored where session = 'race'
),

to_date as (
    select
        r.season,
        r.after_round,
        p.driver_id,
        p.round,
        case when f.competitor_id is null then p.points else 0.0 end as points,
        p.points as gross_points,
        p.wins,
        p.finishes,
        p.orders,
        d.block,
        d.best_n
    from rounds as r
    inner join per_round as p on p.season = r.season and p.round <= r.after_round
    left join drop_rules as d
        on d.season = p.season and p.round between d.first_round and d.last_round
    left join adjustments as f
        on f.kind = 'forfeit' and f.season = r.season and f.competitor_id = p.driver_id
        and r.after_round >= f.from_round and p.round < f.from_round
),

ranked_in_block as (
    select
        *,
        row_number() over (
            partition by season, after_round, driver_id, block order by points desc, round
        ) as rank_in_block
    from to_date
),

totals as (
    select
        season,
        after_round,
        driver_id,
        sum(points) filter (where best_n is null or rank_in_block <= best_n) as points,
        sum(gross_points) as gross_points,
        sum(wins)::integer as wins,
        list_sort(flatten(list(finishes))) as finishes,
        list_sort(flatten(list(orders))) as orders
    from ranked_in_block
    group by season, after_round, driver_id
),

adjusted as (
    select
        t.*,
        t.points + coalesce(d.points_delta, 0.0) as adjusted_points,
        ex.competitor_id is not null as is_excluded
    from totals as t
    left join exclusions as ex on ex.season = t.season and ex.competitor_id = t.driver_id
    left join adjustments as d
        on d.kind = 'deduction' and d.season = t.season and d.competitor_id = t.driver_id
        and t.after_round >= d.from_round
),

final as (
    select
        season,
        after_round as round,
        driver_id,
        row_number() over (
            partition by season, after_round
            order by is_excluded, adjusted_points desc, list_append(finishes, 999),
                orders, driver_id
        )::integer as position,
        adjusted_points as points,
        wins,
        gross_points,
        is_excluded
    from adjusted
)

select * from final
