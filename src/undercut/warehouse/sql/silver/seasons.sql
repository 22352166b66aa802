-- purpose: one row per championship season; falls back to the seasons of races.
-- grain: one row per season.
-- depends on: archive.seasons, archive.races
with seasons as (select * from archive.seasons),

races as (select * from archive.races),

from_races as (
    select distinct year as season from races
),

final as (
    select
        r.season,
        s.url
    from from_races as r
    left join seasons as s on s.year = r.season
    union
    select s.year as season, s.url
    from seasons as s
)

select * from final
