"""Readers of the SANER 2024 replication package: documented shapes on the real files, and
rejection of malformed input (the malformed files are hand-made test fixtures written to tmp_path)."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcompendium import data, readers
from hfcompendium.readers import ReaderError
from hfcompendium.readers import saner as sr
from hfcompendium.registry import get_source


def read(source_id: str) -> pd.DataFrame:
    """Run the registered reader on the verified original file (no tidy-table cache)."""
    source = get_source(source_id)
    return readers.resolve(source.reader)(data.path(source_id), source)


@pytest.fixture(scope="module")
def tables(mirror):
    ids = ["saner2024_codebook_challenges", "saner2024_codebook_benefits", "saner2024_codebook_xlsx",
           "saner2024_all_codes", "saner2024_root_causes", "saner2024_forum_model_mentions_over_time",
           "saner2024_hub_model_types_over_time_created", "saner2024_hub_model_types_over_time_lastmodified",
           "saner2024_card_data_stats_months_created"]
    return {i: read(i) for i in ids}


def test_challenge_codebook_has_47_rows_in_17_categories(tables):
    book = tables["saner2024_codebook_challenges"]
    assert list(book.columns) == ["kind", "category_no", "category", "subcategory", "definition", "example", "example_topic"]
    assert len(book) == 47
    assert book["category"].nunique() == 17
    assert book["category_no"].tolist() == sorted(book["category_no"].tolist())
    assert set(book["kind"]) == {"challenge"}
    assert book["subcategory"].notna().sum() == 40          # 7 categories have no subcategory
    assert book["definition"].notna().all()
    assert book["example_topic"].notna().all()               # every example starts with "T<number>:"
    assert str(book["example_topic"].dtype) == "Int64"


def test_benefit_codebook_has_22_rows_in_6_categories(tables):
    book = tables["saner2024_codebook_benefits"]
    assert len(book) == 22 and book["category"].nunique() == 6
    assert set(book["kind"]) == {"benefit"}


def test_overview_sheet_gives_table1_counts_without_totals(tables):
    overview = tables["saner2024_codebook_xlsx"]
    assert list(overview.columns) == ["kind", "position", "category", "count"]
    challenges = overview[overview["kind"] == "challenge"]
    benefits = overview[overview["kind"] == "benefit"]
    assert len(challenges) == 17 and challenges["count"].sum() == 737
    assert len(benefits) == 6 and benefits["count"].sum() == 514
    assert challenges["position"].tolist() == list(range(1, 18))
    assert challenges.iloc[0]["category"] == "Model Usage and Understanding" and challenges.iloc[0]["count"] == 106
    assert "Category" not in set(overview["category"])


def test_all_codes_has_1183_codes_over_455_topics(tables):
    codes = tables["saner2024_all_codes"]
    assert list(codes.columns) == ["row", "block", "sheet_seq", "topic", "tag", "code", "notes"]
    assert len(codes) == 1183
    assert codes["topic"].nunique() == 455
    assert codes["block"].nunique() == 7
    assert codes["row"].tolist() == list(range(1183))
    assert codes["sheet_seq"].isna().sum() == 216            # the last sheet has no running number
    assert codes["code"].notna().all() and (codes["code"].str.len() > 0).all()
    assert all(isinstance(n, list) for n in codes["notes"])
    assert codes["topic"].dtype == "int64"


def test_root_causes_has_72_rows(tables):
    rc = tables["saner2024_root_causes"]
    assert len(rc) == 72
    assert rc["topic"].nunique() == 70
    assert rc["coder"].isna().all()
    assert rc["root_cause"].notna().all()
    assert (rc["root_cause"] == rc["root_cause"].str.strip()).all()


@pytest.mark.parametrize("source_id, types, months, total, first, last", [
    ("saner2024_forum_model_mentions_over_time", 147, 36, 7620, "2020-07", "2023-06"),
    ("saner2024_hub_model_types_over_time_created", 171, 54, 103047, "2017-09", "2023-06"),
    ("saner2024_hub_model_types_over_time_lastmodified", 171, 39, 103092, "2020-04", "2023-06"),
])
def test_monthly_type_counts_long_format(tables, source_id, types, months, total, first, last):
    table = tables[source_id]
    assert list(table.columns) == ["model_type", "month", "count"]
    assert table["count"].dtype == "int64"
    assert table["model_type"].nunique() == types
    assert table["month"].nunique() == months
    assert len(table) == types * months
    assert table["count"].sum() == total
    assert table["month"].min() == first and table["month"].max() == last
    assert table["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert not ({"SUM", "", "sum"} & set(table["model_type"]))
    assert (table["count"] >= 0).all()


def test_card_stats(tables):
    cards = tables["saner2024_card_data_stats_months_created"]
    assert list(cards.columns) == ["month", "models", "with_card", "card_ratio"]
    assert len(cards) == 42
    assert cards["month"].iloc[0] == "2019-12" and cards["month"].iloc[-1] == "2023-05"
    assert cards["models"].sum() == 213793 and cards["with_card"].sum() == 112568
    assert ((cards["with_card"] / cards["models"]) == cards["card_ratio"]).all()


def test_tables_are_parquet_friendly(tables, tmp_path):
    for source_id, table in tables.items():
        target = tmp_path / f"{source_id}.parquet"
        table.to_parquet(target, index=False)
        back = pd.read_parquet(target)
        assert len(back) == len(table) and list(back.columns) == list(table.columns)


# --- malformed inputs (hand-made fixtures written by the tests) --------------------------------

class FakeSource:
    id = "fixture_source"


def test_sum_row_that_disagrees_is_rejected(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(",2020-07,2020-08,sum\nbert,1,2,3\ngpt2,,4,4\n,,,\nSUM,1,7,7\n")  # fixture: SUM is wrong for 2020-08
    with pytest.raises(ReaderError, match="SUM row"):
        sr.monthly_type_counts(path, FakeSource())


def test_sum_row_and_blank_row_are_dropped(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(",2020-07,2020-08,sum,cumulative sum,Cumulative ratio\nbert,1,2,3,3,0.3\ngpt2,,4,4,7,1\n,,,,7,1\nSUM,1,6,7,,0\n")
    table = sr.monthly_type_counts(path, FakeSource())
    assert sorted(table["model_type"].unique()) == ["bert", "gpt2"]
    assert table.set_index(["model_type", "month"])["count"].to_dict() == {
        ("bert", "2020-07"): 1, ("gpt2", "2020-07"): 0, ("bert", "2020-08"): 2, ("gpt2", "2020-08"): 4}


def test_fractional_counts_are_rejected(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(",2020-07-01\nbert,1.5\n")  # fixture
    with pytest.raises(ReaderError, match="whole numbers"):
        sr.monthly_type_counts(path, FakeSource())


def test_card_ratio_must_match_counts(tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text(",month_year,has_card,count,card_ratio\n1,2020-01,1,2,0.9\n")  # fixture: ratio should be 0.5
    with pytest.raises(ReaderError, match="card_ratio"):
        sr.card_stats(path, FakeSource())


def test_more_cards_than_models_is_rejected(tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text(",month_year,has_card,count,card_ratio\n1,2020-01,3,2,1.5\n")  # fixture
    with pytest.raises(ReaderError, match="must not exceed"):
        sr.card_stats(path, FakeSource())


def test_codebook_carries_category_down(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text('#,Category,Subcategory,Definition,Example\n1,Cat A,Sub 1,def,"T12: quote"\n,,Sub 2,def,none\n'
                    "2,Cat B,,def,T7: q\n")  # fixture
    book = sr.codebook(path, FakeSource())
    assert book["category"].tolist() == ["Cat A", "Cat A", "Cat B"]
    assert book["category_no"].tolist() == [1, 1, 2]
    assert book["subcategory"].isna().tolist() == [False, False, True]
    assert book["example_topic"].tolist()[0] == 12 and pd.isna(book["example_topic"].iloc[1])


def _overview_workbook(path, challenge_total):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Overview"
    rows = [("A", 3), ("B", 2), (None, challenge_total), (None, None), ("Category", "#"), ("X", 4), (None, 4)]
    for row in rows:  # fixture: two blocks, each with an unlabelled total
        sheet.append(row)
    workbook.save(path)


def test_overview_totals_are_checked(tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    _overview_workbook(good, 5)
    _overview_workbook(bad, 6)
    table = sr.codebook_overview(good, FakeSource())
    assert table[["kind", "position", "category", "count"]].values.tolist() == [
        ["challenge", 1, "A", 3], ["challenge", 2, "B", 2], ["benefit", 1, "X", 4]]
    with pytest.raises(ReaderError, match="challenge total 6"):
        sr.codebook_overview(bad, FakeSource())
