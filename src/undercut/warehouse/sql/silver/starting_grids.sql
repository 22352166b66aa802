-- purpose: the starting grid of each race and sprint as it lined up, penalties included.
-- grain: (season, round, session, driver_id); session is 'race' or 'sprint'. grid_position
-- is null for a pit-lane start (is_pit_lane); grid_penalty is F1DB's text (places such as
-- '10', or 'SFB' for start from the back), grid_penalty_places its number when it is one.
-- Rows come from `undercut ingest f1db`; an archive ingest creates the table empty.
-- depends on: (none)
select
    null::integer as season,
    null::integer as round,
    null::varchar as session,
    null::varchar as driver_id,
    null::varchar as constructor_id,
    null::integer as car_number,
    null::integer as grid_position,
    null::boolean as is_pit_lane,
    null::varchar as grid_penalty,
    null::integer as grid_penalty_places,
    null::integer as qualifying_time_ms
where false
