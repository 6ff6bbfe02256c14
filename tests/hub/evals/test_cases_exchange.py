"""Cases in and out as CSV and JSONL: a round trip keeps every case as it was, a wrong row
is refused with its number and reason while the rest is kept, and an unreadable file is
refused whole."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hub.evals.cases_exchange import Case, cases_csv, cases_jsonl, cases_read

CASES = [
    Case("refund", {"question": "Where is my refund?", "expected": "5 days"}, ["billing"]),
    Case(
        'quote, with "quotes"\nand a newline',
        {"question": 'Ünïcode, commas; and "quotes"', "expected": "one\u2028line\u0085"},
        ["edge", "i18n"],
        [{"type": "contains", "value": ["{{expected}}"]}],
    ),
]


@pytest.mark.parametrize(
    ("name", "write"), [("cases.csv", cases_csv), ("cases.jsonl", cases_jsonl)]
)
def test_a_round_trip_keeps_every_case(name, write):
    read = cases_read(write(CASES).encode(), filename=name)
    assert read.refused == [] and read.cases == CASES


def test_a_csv_row_that_is_wrong_is_refused_alone():
    raw = (
        b"_key,question,_tags,_assertions\n"
        b'a,first,smoke,"[{""type"": ""is-json""}]"\n'
        b"b,second,,not json\n"
        b'c,third,,"[{""type"": ""exec""}]"\n'
        b"a,duplicate key,,\n"
        b"e,too,many,cells,here\n"
        b",no key,,\n"
    )
    read = cases_read(raw, filename="Cases.CSV")
    assert [c.key for c in read.cases] == ["a", "case-7"]
    assert read.cases[0].tags == ["smoke"] and read.cases[0].assertions == [{"type": "is-json"}]
    reasons = dict(read.refused)
    assert reasons[3] == "_assertions is not valid JSON"
    assert reasons[4].startswith("assertions[0].type must be one of")
    assert reasons[5] == "the key “a” is used by an earlier case"
    assert reasons[6] == "the row has more cells than the header"


def test_a_jsonl_line_that_is_wrong_is_refused_alone():
    raw = b'{"key": "ok", "vars": {"n": 3, "flag": true}}\n\n[1]\n{not json\n{"vars": "x"}\n'
    read = cases_read(raw, filename="cases.jsonl")
    assert read.cases == [Case("ok", {"n": "3", "flag": "true"})]
    assert read.refused == [
        (3, "the line is not an object"),
        (4, "the line is not valid JSON"),
        (5, "vars must be an object"),
    ]


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"\xff\xfe\x00", "cases.csv", "not UTF-8"),
        (b"a,b\n1,2\n", "cases.xlsx", ".csv or .jsonl"),
        (b",b\n1,2\n", "cases.csv", "header row naming every column"),
        (b"a,a\n1,2\n", "cases.csv", "same name"),
        (b"", "cases.csv", "header row"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(raw, name, message):
    with pytest.raises(ValidationError) as refused:
        cases_read(raw, filename=name)
    assert message in refused.value.messages[0]
