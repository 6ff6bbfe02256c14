"""A suite's cases as CSV or JSONL, both ways.

CSV: one row a case, one column a variable; the reserved columns ``_key`` (a name for the
case, kept across runs so a baseline can be compared case by case), ``_tags`` (separated by
``;``) and ``_assertions`` (a JSON list, added to the suite's own). JSONL: one object a line,
``{"key", "vars", "tags", "assertions"}``. A row that is wrong is refused with its number and
reason and the others are kept; a file that cannot be read at all is refused whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from hub.evals.assertions import assertion_parse, holds_nul
from workspaces.uploads import FileRejected, upload_size_check

MAX_CASES = 10_000
MAX_KEY = 200
MAX_VALUE = 100_000
RESERVED = ("_key", "_tags", "_assertions")


@dataclass(frozen=True)
class Case:
    key: str
    variables: dict[str, str]
    tags: list[str] = field(default_factory=list)
    assertions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CasesRead:
    cases: list[Case] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row or line, reason)


def cases_read(raw: bytes, *, filename: str) -> CasesRead:
    """The cases of a ``.csv`` or ``.jsonl`` file; keys left empty are numbered."""
    upload_size_check(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected("The file is not UTF-8 text.") from None
    name = filename.lower()
    if name.endswith(".csv"):
        rows = _csv_rows(text)
    elif name.endswith((".jsonl", ".ndjson")):
        rows = _jsonl_rows(text)
    else:
        raise FileRejected("Cases come as .csv or .jsonl files.")
    read = CasesRead()
    keys: set[str] = set()
    for number, row in rows:
        if isinstance(row, str):
            read.refused.append((number, row))
            continue
        try:
            case = _case(row, default_key=f"case-{number}")
            if case.key in keys:
                raise ValidationError(f"the key “{case.key}” is used by an earlier case")
        except ValidationError as error:
            read.refused.append((number, " ".join(error.messages)))
            continue
        if len(read.cases) >= MAX_CASES:
            raise FileRejected(f"At most {MAX_CASES} cases per file.")
        keys.add(case.key)
        read.cases.append(case)
    return read


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any] | str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise FileRejected(f"The CSV header cannot be read: {error}.") from None
    if not header or any(not (name or "").strip() for name in header):
        raise FileRejected("The CSV needs a header row naming every column.")
    if len(set(header)) != len(header):
        raise FileRejected("Two CSV columns have the same name.")
    rows: list[tuple[int, dict[str, Any] | str]] = []
    try:
        for number, row in enumerate(reader, start=2):  # row 1 is the header
            if None in row:
                rows.append((number, "the row has more cells than the header"))
                continue
            rows.append((number, _csv_case(row)))
    except csv.Error as error:
        raise FileRejected(f"The CSV cannot be read past row {reader.line_num}: {error}.") from None
    return rows


def _csv_case(row: dict[str, str | None]) -> dict[str, Any] | str:
    variables = {k.strip(): v or "" for k, v in row.items() if k not in RESERVED}
    tags = [t.strip() for t in (row.get("_tags") or "").split(";") if t.strip()]
    assertions: Any = []
    if (row.get("_assertions") or "").strip():
        try:
            assertions = json.loads(row["_assertions"] or "")
        except (ValueError, RecursionError):
            return "_assertions is not valid JSON"
    return {"key": row.get("_key") or "", "vars": variables, "tags": tags, "assertions": assertions}


def _jsonl_rows(text: str) -> list[tuple[int, dict[str, Any] | str]]:
    rows: list[tuple[int, dict[str, Any] | str]] = []
    # Only "\n" ends a line: JSON may hold U+2028 and the like unescaped, splitlines() would cut it.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):
            rows.append((number, "the line is not valid JSON"))
            continue
        rows.append((number, item if isinstance(item, dict) else "the line is not an object"))
    return rows


def _case(item: dict[str, Any], *, default_key: str) -> Case:
    if holds_nul(item):
        raise ValidationError("the case holds a NUL character (\\u0000), which cannot be stored")
    key = item.get("key") or default_key
    if not isinstance(key, str | int) or len(str(key)) > MAX_KEY:
        raise ValidationError(f"key must be text of at most {MAX_KEY} characters")
    variables = item.get("vars") or {}
    if not isinstance(variables, dict):
        raise ValidationError("vars must be an object")
    for name, value in variables.items():
        if not isinstance(value, str | int | float | bool) or len(str(value)) > MAX_VALUE:
            raise ValidationError(
                f"the variable {name} must be text of at most {MAX_VALUE} characters"
            )
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and len(t) <= 64 for t in tags):
        raise ValidationError("tags must be a list of strings of at most 64 characters")
    raw_assertions = item.get("assertions") or []
    if not isinstance(raw_assertions, list):
        raise ValidationError("assertions must be a list")
    for n, raw in enumerate(raw_assertions):
        assertion_parse(raw, where=f"assertions[{n}]")
    return Case(
        key=str(key).strip(),
        variables={str(k): _text(v) for k, v in variables.items()},
        tags=list(dict.fromkeys(t.strip() for t in tags if t.strip())),
        assertions=raw_assertions,
    )


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cases_csv(cases: Sequence[Case], *, first: Sequence[str] = ()) -> str:
    """CSV with a column per variable any case uses: ``first`` (the prompts' variables, in
    the order the prompts name them), then the rest by name. The database may not keep a
    JSON object's key order (PostgreSQL's jsonb does not), so none is relied on."""
    used = {name for case in cases for name in case.variables}
    names = [n for n in dict.fromkeys(first) if n in used]
    names += sorted(used - set(names))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["_key", *names, "_tags", "_assertions"])
    for case in cases:
        assertions = json.dumps(case.assertions) if case.assertions else ""
        values = [case.variables.get(name, "") for name in names]
        writer.writerow([case.key, *values, ";".join(case.tags), assertions])
    return out.getvalue()


def cases_jsonl(cases: Sequence[Case]) -> str:
    lines = (
        json.dumps(
            {"key": c.key, "vars": c.variables, "tags": c.tags, "assertions": c.assertions},
            ensure_ascii=False,
        )
        for c in cases
    )
    return "".join(f"{line}\n" for line in lines)
