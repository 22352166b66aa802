-- gold.constructor_standings: constructors' championship (from 1958) recomputed after every
--        round.
-- Grain: one row per (season, round, constructor_id) for each round with race results from
--        1958 on, and each constructor with a result so far that season. points apply the
--        dropped-score rules (until 1978) and later deductions or forfeits to the rounds
--        run so far; gross_points counts every result. Ties are broken by countback over
--        the constructor's classified finishes, then the finishing order of all its cars;
--        constructors excluded from a championship are classified last.
-- incremental by: season
-- depends on: gold.scored_results, gold.scoring_drop_rules, gold.scoring_exclusions,
--             gold.scoring_adjustments
with scored as (select * from gold.scored_results where season >= 1958),

drop_rules as (select * from gold.scoring_drop_rules where championship = 'constructors'),

exclusions as (select * from gold.scoring_exclusions where championship = 'constructors'),

adjustments as (select * from gold.scoring_adjustments where championship = 'constructors'),

per_round as (
    select
        season,
        round,
        constructor_id,
        sum(constructor_points) as points,
        count(*) filter (where session = 'race' and position = 1) as wins,
        coalesce(list(position) filter (where session = 'race' and position is not null),
            []) as finishes,
        coalesce(list(position_order) filter (where session = 'race'), []) as orders
    from scored
    group by season, round, constructor_id
),

rounds as (
    select distinct season, round as after_round from scored where session = 'race'
),

to_date as (
    select
        r.season,
        r.after_round,
        p.constructor_id,
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
        on f.kind = 'forfeit' and f.season = r.season and f.competitor_id = p.constructor_id
        and r.after_round >= f.from_round and p.round < f.from_round
),

ranked_in_block as (
    select
        *,
        row_number() over (
            partition by season, after_round, constructor_id, block order by points desc, round
        ) as rank_in_block
    from to_date
),

totals as (
    select
        season,
        after_round,
        constructor_id,
        sum(points) filter (where best_n is null or rank_in_block <= best_n) as points,
        sum(gross_points) as gross_points,
        sum(wins)::integer as wins,
        list_sort(flatten(list(finishes))) as finishes,
        list_sort(flatten(list(orders))) as orders
    from ranked_in_block
    group by season, after_round, constructor_id
),

adjusted as (
    select
        t.*,
        t.points + coalesce(d.points_delta, 0.0) as adjusted_points,
        ex.competitor_id is not null as is_excluded
    from totals as t
    left join exclusions as ex on ex.season = t.season and ex.competitor_id = t.constructor_id
    left join adjustments as d
        on d.kind = 'deduction' and d.season = t.season and d.competitor_id = t.constructor_id
        and t.after_round >= d.from_round
),

final as (
    select
        season,
        after_round as round,
        constructor_id,
        row_number() over (
            partition by season, after_round
            order by is_excluded, adjusted_points desc, list_append(finishes, 999),
                orders, constructor_id
        )::integer as position,
        adjusted_points as points,
        wins,
        gross_points,
        is_excluded
    from adjusted
)

select * from final
