"""communique export: GDELT 2.0 and Phoenix files from a real run, read back with their column lists."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from outputs.sql import connect
from outputs.tables import read_table
from pipeline.cli import main
from pipeline.export_formats import (
    GDELT_COLUMNS,
    PHOENIX_COLUMNS,
    PHOENIX_QUAD_CLASS,
    fraction_date,
    gdelt_actor,
    gdelt_event_id,
    geo_type,
    phoenix_actor,
    text,
)
from pipeline.export_rows import event_batches
from tests.conftest import FIXED_TIMESTAMP, PROJECT_SEEDS, run_communique

DOCS = Path(__file__).parent.parent / "docs" / "export.md"
INT63 = 9223372036854775807
# The export's integer id computed by DuckDB from the hexadecimal event_id, independently of Python.
ID_SQL = f"(('0x' || event_id)::UBIGINT & {INT63})::BIGINT"


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> str:
    """One run over the project's seeds: the seed file and the three sample feeds (three event days)."""
    seeds = tmp_path_factory.mktemp("export") / "seeds"
    shutil.copytree(PROJECT_SEEDS, seeds)
    target = seeds.parent / "out"
    run_communique("--seeds", str(seeds), "--output", str(target), "--run-timestamp", FIXED_TIMESTAMP)
    assert read_table(str(target), "events").num_rows > 20
    return str(target)


def _export(capsys, *args: str) -> list[list[str]]:
    capsys.readouterr()
    assert main(["export", *args]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n")
    return [line.split("\t") for line in out[:-1].split("\n")]


def _events(output: str, where: str = "TRUE") -> dict[int, dict]:
    """The events rows (with their article's URL) keyed by the export's integer id."""
    relation = connect(output).sql(
        f"SELECT {ID_SQL} AS id, e.*, a.source_uri FROM events e JOIN articles a USING (article_id) "
        f"WHERE {where}")
    return {row["id"]: row for row in relation.to_arrow_table().to_pylist()}


def _read_back(path: Path, columns: tuple[str, ...], **options) -> list[dict]:
    """The export as DuckDB reads a headerless tab-separated file given the format's column list (an
    empty field, which DuckDB reads as NULL, as the empty string it was written as)."""
    relation = duckdb.read_csv(str(path), header=False, sep="\t", names=list(columns), quotechar="",
                               escapechar="", **options)
    return [{name: "" if value is None else value for name, value in row.items()}
            for row in relation.to_arrow_table().to_pylist()]


def test_gdelt_export_reads_back_with_the_gdelt_columns_types_and_counts(output, tmp_path, capsys):
    lines = _export(capsys, "--format", "gdelt", "--output", output)
    assert {len(fields) for fields in lines} == {61} and len(GDELT_COLUMNS) == 61
    events = _events(output)
    assert len(lines) == len(events) == read_table(output, "events").num_rows

    path = tmp_path / "events.gdelt.tsv"
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines), encoding="utf-8")
    as_text = _read_back(path, GDELT_COLUMNS, all_varchar=True)
    typed = _read_back(path, GDELT_COLUMNS)
    assert len(as_text) == len(typed) == len(events)
    assert {type(row["Day"]) for row in typed} == {int}
    assert {type(row["GoldsteinScale"]) for row in typed} == {float}
    assert {type(row["GlobalEventID"]) for row in typed} == {int}

    assert {int(row["GlobalEventID"]) for row in as_text} == set(events)
    for row in as_text:
        event = events[int(row["GlobalEventID"])]
        day = event["event_date"]
        assert re.fullmatch(r"\d{8}", row["Day"]) and row["Day"] == day.strftime("%Y%m%d")
        assert row["MonthYear"] == row["Day"][:6] and row["Year"] == row["Day"][:4]
        assert int(row["Year"]) < float(row["FractionDate"]) < int(row["Year"]) + 1
        assert re.fullmatch(r"\d{3,4}", row["EventCode"]) and row["EventCode"] == event["cameo_code"]
        assert row["EventBaseCode"] == row["EventCode"][:3]
        assert re.fullmatch(r"\d{2}", row["EventRootCode"]) and row["EventRootCode"] == event["cameo_root"]
        assert int(row["QuadClass"]) == event["quad_class"] in (1, 2, 3, 4)
        assert -10 <= float(row["GoldsteinScale"]) <= 10
        assert float(row["GoldsteinScale"]) == pytest.approx(event["goldstein"], abs=0.05)
        assert int(row["NumMentions"]) == event["num_mentions"] >= 1
        assert row["IsRootEvent"] == ("1" if event["sentence_index"] <= 0 else "0")
        assert row["Actor1Code"] == event["source_actor"]
        assert row["Actor2Code"] == (event["target_actor"] or "")
        assert row["DATEADDED"] == "20240601120000"  # the run's --run-timestamp, in UTC
        assert row["SOURCEURL"] == event["source_uri"]
        assert row["AvgTone"] == "" and row["Actor1Geo_Type"] == ""
        if event["latitude"] is not None:
            assert float(row["ActionGeo_Lat"]) == pytest.approx(event["latitude"])
            assert float(row["ActionGeo_Long"]) == pytest.approx(event["longitude"])
    tehran = [row for row in as_text if row["ActionGeo_Fullname"] == "Tehran, Iran"]
    assert tehran and {(row["ActionGeo_Type"], row["ActionGeo_CountryCode"], row["Day"])
                       for row in tehran} == {("4", "IR", "20211027")}
    assert {row["SOURCEURL"] for row in as_text} >= {"000_12a811ebe4c5a001.txt"}
    assert any(row["SOURCEURL"].startswith("https://") for row in as_text)  # the feed entries' links
    government = [row for row in as_text if row["Actor1Code"] == "CHNGOV"]
    assert government and {(row["Actor1CountryCode"], row["Actor1Type1Code"]) for row in government} == {
        ("CHN", "GOV")}


def test_phoenix_export_reads_back_with_the_phoenix_columns(output, tmp_path, capsys):
    lines = _export(capsys, "--format", "phoenix", "--output", output)
    assert {len(fields) for fields in lines} == {26} == {len(PHOENIX_COLUMNS)}
    events = _events(output)
    path = tmp_path / "events.phoenix.tsv"
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines), encoding="utf-8")
    rows = _read_back(path, PHOENIX_COLUMNS, all_varchar=True)
    assert len(rows) == len(events)
    assert {type(row["GoldsteinScore"]) for row in _read_back(path, PHOENIX_COLUMNS)} == {float}
    for row in rows:
        event = events[int(row["EventID"])]
        assert row["Date"] == event["event_date"].strftime("%Y%m%d")
        assert (row["Year"], row["Month"], row["Day"]) == (row["Date"][:4], row["Date"][4:6], row["Date"][6:])
        assert row["SourceActorFull"] == event["source_actor"]
        assert row["SourceActorEntity"] == event["source_actor"][:3]
        assert row["EventCode"] == event["cameo_code"] and row["EventRootCode"] == event["cameo_root"]
        assert int(row["QuadClass"]) == PHOENIX_QUAD_CLASS[event["cameo_root"]]
        assert row["URLs"] == event["source_uri"]
        sentences = row["SentenceID"].split(";")
        assert sentences == [f"{event['article_id']}_{index}" for index in event["mention_sentences"]]
    assert any(row["LocationName"] == "Tehran" and row["CountryCode"] == "Iran" for row in rows)
    assert {row["NewsSources"] for row in rows if row["URLs"].startswith("https://")} != {""}


def test_since_and_until_select_by_event_date(output, capsys):
    day = dt.date(2021, 10, 27)
    only_day = _export(capsys, "--format", "gdelt", "--output", output, "--since", "2021-10-27",
                       "--until", "2021-10-27")
    assert {fields[1] for fields in only_day} == {"20211027"}
    assert {int(fields[0]) for fields in only_day} == set(_events(output, f"event_date = '{day}'"))
    later = _export(capsys, "--format", "phoenix", "--output", output, "--since", "2021-10-28")
    assert len(later) == len(_events(output, "event_date >= '2021-10-28'"))
    assert min(fields[1] for fields in later) >= "20211028"
    earlier = _export(capsys, "--format", "gdelt", "--output", output, "--until", "2021-10-27")
    assert len(earlier) + len(later) == len(_events(output))


def test_to_a_file_and_a_header_line(output, tmp_path, capsys):
    standard = _export(capsys, "--format", "gdelt", "--output", output)
    target = tmp_path / "events.tsv"
    assert main(["export", "--format", "gdelt", "--output", output, "--to", str(target), "--header"]) == 0
    assert f"{len(standard)} events" in capsys.readouterr().err
    written = target.read_text(encoding="utf-8").splitlines()
    assert written[0] == "\t".join(GDELT_COLUMNS)
    assert written[1:] == ["\t".join(fields) for fields in standard]
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_small_batches_stream_the_same_rows(output, capsys):
    whole = _export(capsys, "--format", "gdelt", "--output", output)
    for batch_rows in ("1", "7"):
        batched = _export(capsys, "--format", "gdelt", "--output", output, "--batch-rows", batch_rows)
        assert batched == whole  # the same lines in the same order
    assert [fields[1] for fields in whole] == sorted(fields[1] for fields in whole)  # by event_date
    batches = list(event_batches(output, batch_rows=5))
    assert max(len(batch) for batch in batches) <= 5
    assert len(batches) >= len(whole) / 5 and sum(len(batch) for batch in batches) == len(whole)


def test_a_directory_without_events_exits_2_saying_where_it_looked(tmp_path, capsys):
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["export", "--format", "gdelt", "--output", str(empty)]) == 2
    error = capsys.readouterr().err
    assert "no events table" in error and f"{empty}/events/*/*.parquet" in error


def test_bad_options_exit_2_naming_the_value(output, tmp_path, capsys):
    assert main(["export", "--format", "gdelt", "--output", output, "--since", "2021-10-28",
                 "--until", "2021-10-27"]) == 2
    assert "--since 2021-10-28 is after --until 2021-10-27" in capsys.readouterr().err
    assert main(["export", "--format", "gdelt", "--output", output, "--to",
                 str(tmp_path / "missing" / "x.tsv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["export", "--format", "gdelt", "--output", output, "--to", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    for bad in (["--since", "28/10/2021"], ["--batch-rows", "0"], ["--format", "icews"]):
        with pytest.raises(SystemExit) as exited:
            main(["export", "--format", "gdelt", "--output", output, *bad])
        assert exited.value.code == 2
        assert bad[1] in capsys.readouterr().err


def test_a_reader_that_stops_early_ends_the_export_quietly(output):
    with subprocess.Popen([sys.executable, "-m", "pipeline.cli", "export", "--format", "gdelt",
                           "--output", output, "--batch-rows", "1"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as export:
        first = export.stdout.readline()
        export.stdout.close()
        error = export.stderr.read().decode()
        assert export.wait(timeout=120) == 0, error
    assert len(first.split(b"\t")) == 61 and "Traceback" not in error


def test_every_column_of_both_formats_is_documented():
    documented = DOCS.read_text(encoding="utf-8")
    missing = [name for name in (*GDELT_COLUMNS, *PHOENIX_COLUMNS) if f"`{name}`" not in documented]
    assert not missing, f"docs/export.md does not map {missing}"
    assert len(set(GDELT_COLUMNS)) == 61 and len(set(PHOENIX_COLUMNS)) == 26


# ------------------------------------------------------------------------------ the pure pieces


def test_ids_are_positive_signed_64_bit_integers_stable_per_event_id():
    assert gdelt_event_id("0000000000000001") == 1
    assert gdelt_event_id("ffffffffffffffff") == INT63
    assert gdelt_event_id("8000000000000002") == 2  # the top bit is dropped
    assert gdelt_event_id("801a291b49e9d104") == gdelt_event_id("801a291b49e9d104") < 2 ** 63


def test_fraction_date_follows_the_gdelt_codebook():
    assert fraction_date(dt.date(2021, 10, 27)) == "2021.8959"  # 2021 + (10 * 30 + 27) / 365
    assert fraction_date(dt.date(2015, 1, 1)) == "2015.0849"  # 2015 + 31 / 365


@pytest.mark.parametrize("code, token, country, group, types", [
    ("CHNGOV", "CHN", "CHN", "", ["GOV", "", ""]),
    ("POLGOVMIL", "POL", "POL", "", ["GOV", "MIL", ""]),
    ("AFG", "AFG", "AFG", "", ["", "", ""]),
    ("IGOUNO", "UNO", "", "UNO", ["IGO", "", ""]),
    ("IGOBUSIMF", "IMF", "", "IMF", ["IGO", "BUS", ""]),
    ("IMGISI", "IMG", "", "ISI", ["IMG", "", ""]),
    ("NGOHRIHRW", "NGO", "", "HRW", ["NGO", "HRI", ""]),
])
def test_gdelt_actor_fields_split_the_cameo_code(code, token, country, group, types):
    fields = gdelt_actor(code, token)
    assert len(fields) == 10
    assert fields[0] == code and fields[1] == "" and fields[2:4] == [country, group]
    assert fields[4:7] == ["", "", ""] and fields[7:] == types


def test_no_actor_is_ten_empty_gdelt_fields_and_four_phoenix_fields():
    assert gdelt_actor(None, None) == [""] * 10
    assert phoenix_actor(None) == [""] * 4


@pytest.mark.parametrize("code, fields", [
    ("CHNGOV", ["CHNGOV", "CHN", "GOV", ""]),
    ("IGOUNO", ["IGOUNO", "IGO", "", "UNO"]),
    ("IGOBUSIMF", ["IGOBUSIMF", "IGO", "BUS", "IMF"]),
    ("POLGOVMIL", ["POLGOVMIL", "POL", "GOV", "MIL"]),
    ("USAELIREF", ["USAELIREF", "USA", "", "ELI;REF"]),
])
def test_phoenix_actor_fields_split_like_phoenix(code, fields):
    assert phoenix_actor(code) == fields


def test_geo_types_and_fields_that_cannot_break_a_line():
    assert [geo_type(feature, country) for feature, country in [
        ("country", "FRA"), ("region", "USA"), ("capital", "USA"), ("city", "IRN"), ("region", "IND"),
        (None, "IRN")]] == [1, 2, 3, 4, 5, None]
    assert text("a\tb\nc\rd") == "a b c d"
    assert text(None) == "" and text(35.69439) == "35.69439" and text(3) == "3"
