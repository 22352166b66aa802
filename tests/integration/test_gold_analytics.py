"""Gold analytics on the real archive, checked against facts anyone can look up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built")


@pytest.fixture(scope="module")
def con(built_settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built_settings.warehouse_path), read_only=True)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


def test_hamilton_105_wins_and_104_official_poles_through_2024(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Pole is the pole position as officially awarded, not qualifying P1.

    The archive's qualifying table puts Hamilton first 107 times through 2024, but four of
    those did not give him pole: Spain 2012 (excluded from qualifying for stopping without
    enough fuel: Maldonado inherited pole), Turkey 2021 (ten-place engine penalty: Bottas
    started first), Sao Paulo 2021 (disqualified from qualifying; on that sprint weekend
    the sprint set the grid anyway) and Silverstone 2021, also a sprint weekend: fastest on
    Friday, but pole went to the sprint winner, Verstappen. He did have pole at Hungary 2007
    although Alonso, moved back five places, had been fastest. 107 - 4 + 1 = 104.
    """
    wins, poles, starts = one(
        con,
        """
        select sum(wins), sum(poles), sum(starts) from gold.driver_season_summary
        where driver_id = 'hamilton' and season <= 2024""",
    )
    assert (wins, poles, starts) == (105, 104, 356)
    assert (
        one(
            con,
            """select count(*) from silver.qualifying
        where driver_id = 'hamilton' and position = 1 and season <= 2024""",
        )
        == 107
    )


def test_pole_follows_the_official_award_not_qualifying_p1(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute("""
        select q.season, q.round, p.driver_id
        from silver.qualifying as q
        join gold.official_poles as p using (season, round)
        where q.driver_id = 'hamilton' and q.position = 1 and p.driver_id <> 'hamilton'
            and q.season <= 2024
        order by 1, 2""").fetchall()
    # Spain 2012: excluded from qualifying; Britain 2021: sprint weekend; Turkey 2021:
    # engine penalty; Sao Paulo 2021: disqualified from qualifying, sprint weekend.
    assert rows == [
        (2012, 5, "maldonado"),
        (2021, 10, "max_verstappen"),
        (2021, 16, "bottas"),
        (2021, 19, "bottas"),
    ]
    # Hungary 2007: Alonso was fastest but moved back five places; Hamilton had pole.
    assert (
        one(con, "select driver_id from gold.official_poles where season = 2007 and round = 11")
        == "hamilton"
    )
    # 2022 sprint weekends credited pole to qualifying, not to the sprint.
    assert (
        one(con, "select driver_id from gold.official_poles where season = 2022 and round = 21")
        == "kevin_magnussen"
    )
    career = dict(
        con.execute("""select driver_id, sum(poles) from gold.driver_season_summary
        where season <= 2024 and driver_id in ('michael_schumacher', 'senna', 'vettel',
            'max_verstappen', 'leclerc', 'alonso') group by driver_id""").fetchall()
    )
    assert career == {
        "michael_schumacher": 68,
        "senna": 65,
        "vettel": 57,
        "max_verstappen": 40,
        "leclerc": 26,
        "alonso": 22,
    }


def test_verstappen_2023(con: duckdb.DuckDBPyConnection) -> None:
    summary = one(
        con,
        """select wins, points, starts, championship_position, poles
        from gold.driver_season_summary where driver_id = 'max_verstappen' and season = 2023""",
    )
    assert summary == (19, 575.0, 22, 1, 12)
    standing = one(
        con,
        """select points, wins, position from gold.driver_standings
        where season = 2023 and round = 22 and driver_id = 'max_verstappen'""",
    )
    assert standing == (575.0, 19, 1)


def test_championships(con: duckdb.DuckDBPyConnection) -> None:
    titles = dict(
        con.execute("""select driver_id, championships from gold.driver_summary
        where championships >= 4""").fetchall()
    )
    assert titles == {
        "michael_schumacher": 7,
        "hamilton": 7,
        "fangio": 5,
        "prost": 4,
        "vettel": 4,
        "max_verstappen": 4,
    }
    teams = dict(
        con.execute("""select constructor_id, championships
        from gold.constructor_summary where championships >= 8""").fetchall()
    )
    assert teams == {"ferrari": 16, "williams": 9, "mclaren": 9, "mercedes": 8}
    first = one(
        con,
        """select min(s.season) from gold.constructor_standings as s
        where s.position = 1""",
    )
    assert first == 1958
    assert one(
        con,
        "select driver_id from gold.driver_summary where driver_id = "
        "'max_verstappen' and last_season = 2025 and championships = 4",
    )


def test_the_2021_title_was_decided_by_8_points(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""select driver_id, points, wins from gold.driver_standings
        where season = 2021 and round = 22 and position <= 2 order by position""").fetchall()
    assert rows == [("max_verstappen", 395.5, 10), ("hamilton", 387.5, 8)]
    assert rows[0][1] - rows[1][1] == 8
    # Half points at Spa, sprint points at Silverstone and the fastest-lap point at play.
    spa = one(
        con,
        """select driver_points from gold.scored_results where session = 'race'
        and season = 2021 and round = 12 and driver_id = 'max_verstappen'""",
    )
    sprint = one(
        con,
        """select driver_points from gold.scored_results
        where session = 'sprint' and season = 2021 and round = 10
            and driver_id = 'max_verstappen'""",
    )
    assert (spa, sprint) == (12.5, 3.0)
    decider = one(
        con,
        """select wins, margin_ms > 0, pole_driver_id from gold.race_summaries
        join (select 1 as wins) on true
        where season = 2021 and round = 22 and winner_driver_id = 'max_verstappen'""",
    )
    assert decider == (1, True, "max_verstappen")


def test_70_monaco_grands_prix_through_2024(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(
            con,
            """select count(*) from gold.race_summaries
        where circuit_id = 'monaco' and has_result and season <= 2024""",
        )
        == 70
    )
    monaco = one(
        con,
        """select races_held, first_season, lap_record_driver_id,
        lap_record_season, lap_record_text from gold.circuit_summary
        where circuit_id = 'monaco'""",
    )
    assert monaco[1:] == (1950, "hamilton", 2021, "1:12.909")
    assert monaco[0] >= 70


def test_circuit_lap_record_and_pole_to_win_rate(con: duckdb.DuckDBPyConnection) -> None:
    # The race lap record is the fastest race lap at the circuit in the archive.
    records = con.execute("""
        select c.circuit_id, c.lap_record_ms, c.lap_record_driver_id, c.lap_record_season,
            (select min(res.fastest_lap_time_ms) from silver.race_results as res
             join silver.races as r using (season, round)
             where r.circuit_id = c.circuit_id) as fastest
        from gold.circuit_summary as c
        where c.circuit_id in ('monza', 'silverstone', 'spa')
        order by c.circuit_id""").fetchall()
    assert [r[0] for r in records] == ["monza", "silverstone", "spa"]
    assert all(r[1] == r[4] for r in records)
    assert (records[0][2], records[0][3]) == ("norris", 2025)
    # Pole-to-win: the share of Grands Prix held that the official pole sitter won.
    rates = con.execute("""
        with held as (
            select r.circuit_id, r.season, r.round,
                bool_or(res.position = 1 and res.driver_id = p.driver_id) as pole_won
            from silver.races as r
            join silver.race_results as res using (season, round)
            left join gold.official_poles as p using (season, round)
            group by r.circuit_id, r.season, r.round)
        select c.circuit_id, c.pole_to_win_rate, avg(held.pole_won::integer), count(*)
        from gold.circuit_summary as c join held using (circuit_id)
        group by c.circuit_id, c.pole_to_win_rate""").fetchall()
    assert len(rates) > 70
    assert all(abs(rate - expected) < 1e-9 for _, rate, expected, _ in rates)
    monaco = next(r for r in rates if r[0] == "monaco")
    assert 0.4 < monaco[1] < 0.5 and monaco[3] >= 70


def test_recomputed_standings_equal_the_archive_since_1990(
    con: duckdb.DuckDBPyConnection,
) -> None:
    since_1990 = con.execute("""select * from gold.standings_differences
        where season >= 1990""").fetchall()
    assert since_1990 == []
    seasons = one(
        con, "select count(distinct season) from silver.driver_standings where season >= 1990"
    )
    assert seasons >= 35
    # Every champion, back to 1950, is the archive's champion.
    mismatched = con.execute("""
        with computed as (select season, driver_id from gold.driver_standings
                          qualify round = max(round) over (partition by season)
                          and position = 1),
             archive as (select season, driver_id from silver.driver_standings
                         qualify round = max(round) over (partition by season)
                         and position = 1)
        select * from computed full join archive using (season)
        where computed.driver_id is distinct from archive.driver_id""").fetchall()
    assert mismatched == []


@pytest.mark.parametrize(
    "season, driver_id, points, gross",
    [
        (1988, "prost", 87.0, 105.0),  # best 11 results of 16
        (1988, "senna", 90.0, 94.0),
        (1964, "surtees", 40.0, 40.0),  # best 6 of 10; Hill dropped points and lost
        (1964, "hill", 39.0, 41.0),
        (1950, "farina", 30.0, 30.0),  # includes a fastest-lap point
    ],
)
def test_dropped_scores(
    con: duckdb.DuckDBPyConnection, season: int, driver_id: str, points: float, gross: float
) -> None:
    assert one(
        con,
        """select points, gross_points from gold.driver_standings
        where season = ? and driver_id = ?
        qualify round = max(round) over ()""",
        [season, driver_id],
    ) == (points, gross)


@pytest.mark.parametrize(
    "season, rnd, driver_id, points",
    [
        (1975, 12, "brambilla", 4.5),  # Austria, stopped in the rain: half points
        (1975, 12, "hunt", 3.0),
        (1963, 4, "hill", 0.0),  # third in France, no points after a push start
        (1967, 7, "oliver", 0.0),  # a Formula 2 car fifth in Germany...
        (1967, 7, "bonnier", 2.0),  # ...so sixth took fifth's points
        (1967, 7, "ligier", 1.0),  # and eighth sixth's (seventh was Formula 2 too)
        (1984, 14, "gartner", 0.0),  # Osella's one-car entry was not eligible
        (1957, 5, "trintignant", 3.0),  # 4th in a car shared with Collins, unsplit
        (1957, 5, "collins", 0.0),
        (1957, 5, "moss", 5.0),  # shared the win with Brooks (4) and had the fastest lap
    ],
)
def test_points_not_paid_in_full(
    con: duckdb.DuckDBPyConnection, season: int, rnd: int, driver_id: str, points: float
) -> None:
    assert (
        one(
            con,
            # a driver who shared another car has two results in the race
            "select sum(driver_points) from gold.scored_results where session = 'race' "
            "and season = ? and round = ? and driver_id = ?",
            [season, rnd, driver_id],
        )
        == points
    )


def test_standings_once_wrong_and_the_few_points_left_apart_from_the_archive(
    con: duckdb.DuckDBPyConnection,
) -> None:
    final = """select competitor_id, points from gold.championship_standings
        where championship = ? and season = ? and points > 0
        qualify round = max(round) over () order by position limit ?"""
    assert con.execute(final, ["drivers", 1975, 3]).fetchall() == [
        ("lauda", 64.5),
        ("emerson_fittipaldi", 45.0),
        ("reutemann", 37.0),
    ]
    assert con.execute(final, ["constructors", 1975, 3]).fetchall() == [
        ("ferrari", 72.5),
        ("brabham", 54.0),
        ("mclaren", 53.0),
    ]
    # The first constructors' cup paid the top five only (its best car in each race).
    assert con.execute(final, ["constructors", 1958, 10]).fetchall() == [
        ("vanwall", 48.0),
        ("ferrari", 40.0),
        ("cooper", 31.0),
        ("brm", 18.0),
        ("maserati", 6.0),
        ("team_lotus", 3.0),
    ]
    # Only the archive's rounding still differs (shared fastest-lap points, 1954: 1/7 of a
    # point each; shared 1955 drives, 1/3 of a point: kept exact here), and the 1/7 it
    # leaves out for the three who shared the 1954 British GP's fastest lap but retired.
    differences = con.execute("""select season, driver_or_constructor_id,
        computed_points - archive_points
        from gold.standings_differences
        where abs(computed_points - archive_points) > 0.001 order by season""").fetchall()
    assert {season for season, _, _ in differences} == {1954, 1955}
    unpaid = {who for _, who, delta in differences if abs(delta - 1 / 7) < 1e-9}
    assert unpaid == {"moss", "ascari", "behra"}
    assert all(abs(delta) < 0.005 for _, who, delta in differences if who not in unpaid)


def test_the_1954_british_gp_fastest_lap_paid_seven_drivers_a_seventh_each(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Seven drivers were timed at 1:50 and shared the point: the 1954 table as published
    (Gonzalez 25 1/7, Hawthorn 24 9/14, Moss and Marimon 4 1/7, Ascari 1 1/7, Behra 1/7),
    and Moss's career 185 9/14 points (186 9/14 before dropped scores)."""
    final = dict(
        con.execute("""select driver_id, points from gold.driver_standings
            where season = 1954 qualify round = max(round) over ()""").fetchall()
    )
    expected = {
        "gonzalez": 25 + 1 / 7,
        "hawthorn": 24 + 9 / 14,
        "moss": 4 + 1 / 7,
        "marimon": 4 + 1 / 7,
        "ascari": 1 + 1 / 7,
        "behra": 1 / 7,
        "fangio": 42.0,
    }
    assert all(abs(final[who] - points) < 1e-9 for who, points in expected.items())
    moss = one(con, "select points, gross_points from gold.driver_summary where driver_id = 'moss'")
    assert abs(moss[0] - (185 + 9 / 14)) < 1e-9 and abs(moss[1] - (186 + 9 / 14)) < 1e-9


def test_the_indianapolis_500_is_not_part_of_the_constructors_championship(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """It paid drivers' points only (1950-1960), so the cars that raced only there are not
    in the constructors' table: 1958 and 1960 are the archive's, place by place."""
    for season in (1958, 1960):
        computed, archive = (
            con.execute(
                f"""select position, constructor_id from {table}
                where season = ? qualify round = max(round) over () order by position""",
                [season],
            ).fetchall()
            for table in ("gold.constructor_standings", "silver.constructor_standings")
        )
        assert computed == archive
    indianapolis_only = con.execute("""select distinct s.constructor_id
        from gold.constructor_standings as s
        where s.season between 1958 and 1960 and not exists (
            select 1 from silver.race_results as r inner join silver.races as ra
                on ra.season = r.season and ra.round = r.round
            where r.constructor_id = s.constructor_id and r.season = s.season
                and ra.circuit_id <> 'indianapolis')""").fetchall()
    assert indianapolis_only == []


def test_best_results_count_each_shared_drive_on_its_own(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Fangio's 1956 title: 30 points, his best five results. At Monaco he scored twice, in
    Collins's 2nd-placed car (with the fastest lap) and in Castellotti's 4th; the half share
    of 4th is one of the results dropped, not added to his Monaco score. At the 1957
    British GP the 4th place's points went to Trintignant alone, so Moss's fastest lap is
    the race's only one: 25 points for Moss, 8 for Collins."""
    final = """select points from gold.driver_standings
        where season = ? and driver_id = ? qualify round = max(round) over ()"""
    assert one(con, final, [1956, "fangio"]) == 30.0
    assert one(con, final, [1957, "moss"]) == 25.0
    assert one(con, final, [1957, "collins"]) == 8.0
    assert one(con, final, [1957, "trintignant"]) == 5.0


def test_shared_drives_split_points(con: duckdb.DuckDBPyConnection) -> None:
    # 1951 French GP: Fagioli and Fangio shared the winning Alfa Romeo (8 points, halved);
    # Fangio also had the fastest lap.
    rows = dict(
        con.execute("""select driver_id, driver_points from gold.scored_results
        where session = 'race' and season = 1951 and round = 4 and position = 1""").fetchall()
    )
    assert rows == {"fagioli": 4.0, "fangio": 5.0}


def test_penalties_and_exclusions(con: duckdb.DuckDBPyConnection) -> None:
    schumacher = one(
        con,
        """select points, position, is_excluded,
        position = max(position) over () from gold.driver_standings
        where season = 1997 and round = 17 qualify driver_id = 'michael_schumacher'""",
    )
    assert schumacher[0] == 78.0 and schumacher[2] and schumacher[3]
    mclaren = one(
        con,
        """select points, position = max(position) over ()
        from gold.constructor_standings where season = 2007 and round = 17
        qualify constructor_id = 'mclaren'""",
    )
    assert mclaren == (218.0, True)
    racing_point = one(
        con,
        """select points from gold.constructor_standings
        where season = 2020 and round = 17 and constructor_id = 'racing_point'""",
    )
    assert racing_point == 195.0
    double = one(
        con,
        """select driver_points from gold.scored_results where session = 'race'
        and season = 2014 and round = 19 and position = 1""",
    )
    assert double == 50.0


def test_fastest_lap_point_2019_2024_top_ten_only(con: duckdb.DuckDBPyConnection) -> None:
    # Monaco 2024 has no lap data in the archive; Hamilton's point is still counted.
    assert (
        one(
            con,
            """select points from gold.driver_standings where season = 2024
        and round = 24 and driver_id = 'hamilton'""",
        )
        == 223.0
    )
    assert (
        one(
            con,
            """select count(*) from gold.scored_results where is_fastest_lap_point
        and season between 2019 and 2024 and position > 10""",
        )
        == 0
    )
    assert (
        one(
            con,
            """select count(*) from gold.scored_results where is_fastest_lap_point
        and season = 2025""",
        )
        == 0
    )


def test_teammate_head_to_head(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""select driver_id, races, quali_ahead, quali_behind, race_ahead,
        race_behind from gold.teammate_h2h where season = 2021 and constructor_id = 'mercedes'
        order by driver_id""").fetchall()
    assert rows[0][0] == "bottas" and rows[1][0] == "hamilton"
    bottas, hamilton = rows
    assert bottas[1] == hamilton[1] == 22
    assert (bottas[2], bottas[3]) == (hamilton[3], hamilton[2])
    assert (bottas[4], bottas[5]) == (hamilton[5], hamilton[4])
    assert hamilton[2] > bottas[2] and hamilton[4] > bottas[4]
    asymmetric = one(
        con,
        """select count(*) from gold.teammate_h2h as a
        left join gold.teammate_h2h as b on b.season = a.season
            and b.constructor_id = a.constructor_id and b.driver_id = a.teammate_id
            and b.teammate_id = a.driver_id
        where b.driver_id is null or a.quali_ahead <> b.quali_behind
            or a.race_ahead <> b.race_behind""",
    )
    assert asymmetric == 0


def test_pit_stop_medians(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""select constructor_id, stops, median_stop_ms, fastest_stop_ms
        from gold.pit_stop_stats where season = 2023""").fetchall()
    assert len(rows) == 10
    for _, stops, median, fastest in rows:
        assert stops > 30
        assert 15_000 < fastest <= median < 40_000


def test_race_summaries(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""select winner_driver_id, winner_constructor_id, pole_driver_id
        from gold.race_summaries where season = 2023 order by round""").fetchall()
    assert len(rows) == 22
    assert sum(r[0] == "max_verstappen" for r in rows) == 19
    assert all(r[1] in {"red_bull", "ferrari"} for r in rows)
    upcoming = one(
        con,
        """select count(*) from gold.race_summaries
        where not has_result and winner_driver_id is null""",
    )
    assert upcoming >= 1
