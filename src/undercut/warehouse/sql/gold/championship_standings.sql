-- purpose: both championships recomputed after every round, the drivers'
--          and (from 1958) the constructors', by one set of rules.
-- grain: one row per (championship, season, round, competitor_id) for each round with race
--        results and each competitor with a result so far that season. points apply the
--        season's dropped-score rules (best N results per block) and later deductions or
--        forfeits to the rounds run so far; gross_points counts every result. Ties are
--        broken by countback: classified finishes (more wins, then more seconds, ...), then
--        the finishing order of every result (all of a constructor's cars); competitors
--        excluded from a championship are classified last. A race that paid no
--        constructors' points (the Indianapolis 500 of 1958-1960) is not part of the
--        constructors' championship: its cars do not enter that table.
-- incremental by: season
-- depends on: gold.scored_results, gold.scoring_drop_rules, gold.scoring_exclusions,
--             gold.scoring_adjustments, gold.scoring_race_factors
with scored as (select * from gold.scored_results),

factors as (select * from gold.scoring_race_factors),

-- every result once per championship it scores in (the constructors' from 1958). score:
-- what the best-N rules count as one score. A driver's race results count one by one (a
-- driver who shared two cars in a race, as until 1957, has two scores: Fangio's 1956
-- total of 30 drops his half share of Castellotti's 4th place at Monaco); a constructor's
-- cars of one round make one score.
entries as (
    select
        'drivers' as championship, season, round, session, position, position_order,
        driver_id as competitor_id, driver_points as points,
        case when session = 'race' then position_order else 0 end as score
    from scored
    union all
    select
        'constructors', season, round, session, position, position_order,
        constructor_id, constructor_points, 0
    from scored as s
    where season >= 1958
        and not exists (
            select 1 from factors as f
            where f.season = s.season and f.round = s.round and f.constructor_factor = 0
        )
),

drop_rules as (select * from gold.scoring_drop_rules),

exclusions as (select * from gold.scoring_exclusions),

adjustments as (select * from gold.scoring_adjustments),

per_score as (
    select
        championship,
        season,
        round,
        competitor_id,
        score,
        sum(points) as points,
        count(*) filter (where session = 'race' and position = 1) as wins,
        coalesce(list(position) filter (where session = 'race' and position is not null),
            []) as finishes,
        coalesce(list(position_order) filter (where session = 'race'), []) as orders
    from entries
    group by championship, season, round, competitor_id, score
),

-- every Grand Prix is a round of both championships, also one that paid one of them nothing
rounds as (
    select distinct championships.championship, s.season, s.round as after_round
    from scored as s
    inner join (select distinct championship, season from entries) as championships
        on championships.season = s.season
    where s.session = 'race'
),

to_date as (
    select
        r.championship,
        r.season,
        r.after_round,
        p.competitor_id,
        p.round,
        case when f.competitor_id is null then p.points else 0.0 end as points,
        p.points as gross_points,
        p.wins,
        p.finishes,
        p.orders,
        d.block,
        d.best_n
    from rounds as r
    inner join per_score as p
        on p.championship = r.championship and p.season = r.season
        and p.round <= r.after_round
    left join drop_rules as d
        on d.championship = p.championship and d.season = p.season
        and p.round between d.first_round and d.last_round
    left join adjustments as f
        on f.championship = r.championship and f.kind = 'forfeit' and f.season = r.season
        and f.competitor_id = p.competitor_id
        and r.after_round >= f.from_round and p.round < f.from_round
),

ranked_in_block as (
    select
        *,
        row_number() over (
            partition by championship, season, after_round, competitor_id, block
            order by points desc, round
        ) as rank_in_block
    from to_date
),

totals as (
    select
        championship,
        season,
        after_round,
        competitor_id,
        sum(points) filter (where best_n is null or rank_in_block <= best_n) as points,
        sum(gross_points) as gross_points,
        sum(wins)::integer as wins,
        list_sort(flatten(list(finishes))) as finishes,
        list_sort(flatten(list(orders))) as orders
    from ranked_in_block
    group by championship, season, after_round, competitor_id
),

adjusted as (
    select
        t.*,
        t.points + coalesce(d.points_delta, 0.0) as adjusted_points,
        ex.competitor_id is not null as is_excluded
    from totals as t
    left join exclusions as ex
        on ex.championship = t.championship and ex.season = t.season
        and ex.competitor_id = t.competitor_id
    left join adjustments as d
        on d.championship = t.championship and d.kind = 'deduction' and d.season = t.season
        and d.competitor_id = t.competitor_id
        and t.after_round >= d.from_round
),

final as (
    select
        championship,
        season,
        after_round as round,
        competitor_id,
        row_number() over (
            partition by championship, season, after_round
            order by is_excluded, adjusted_points desc, list_append(finishes, 999),
                orders, competitor_id
        )::integer as position,
        adjusted_points as points,
        wins,
        gross_points,
        is_excluded
    from adjusted
)

select * from final
