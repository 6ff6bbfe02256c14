"""``{{name}}`` substitution for prompt templates: one regex pass, nothing else.

User text is never run through Django's template engine: no tags, filters or attribute
lookups, and a value that itself contains ``{{x}}`` is inserted as-is, not expanded again.
Anything between braces that is not a plain identifier is left untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_VARIABLES = 50
MAX_OPTIONS = 50
MAX_OPTION_LENGTH = 200
MAX_VALUE_LENGTH = 100_000
TEXT, CHOICE = "text", "choice"


def variables_in(*texts: str) -> list[str]:
    """The variable names used in ``texts``, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in VARIABLE.finditer(text):
            seen.setdefault(match[1], None)
    return list(seen)


def variables_spec_clean(raw: Any, *, used: Iterable[str]) -> list[dict[str, Any]]:
    """A valid spec for the variables ``used``, in that order: each entry is ``{"name",
    "type": "text"}`` or ``{"name", "type": "choice", "options": [...]}``. Used variables
    the spec leaves out become free text; declared ones the text does not use are an error."""
    if raw in (None, ""):
        raw = []
    if not isinstance(raw, list):
        raise ValidationError({"variables": "Variables must be a list."})
    used = list(used)
    declared: dict[str, dict[str, Any]] = {}
    for position, entry in enumerate(raw, start=1):
        spec = _entry_clean(entry, position=position)
        if spec["name"] in declared:
            raise ValidationError({"variables": f"Variable {spec['name']} is declared twice."})
        declared[spec["name"]] = spec
    unused = [name for name in declared if name not in used]
    if unused:
        names = ", ".join(unused)
        raise ValidationError(
            {
                "variables": f"Declared but not used in the text: {names}. Add {{{{{unused[0]}}}}}"
                " to the text or remove the declaration."
            }
        )
    if len(used) > MAX_VARIABLES:
        raise ValidationError({"variables": f"At most {MAX_VARIABLES} variables."})
    return [declared.get(name, {"name": name, "type": TEXT}) for name in used]


def _entry_clean(entry: Any, *, position: int) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValidationError({"variables": f"Variable {position} must be an object."})
    name = entry.get("name")
    if not isinstance(name, str) or not NAME.match(name) or len(name) > 64:
        raise ValidationError(
            {"variables": f"Variable {position}: the name must be letters, digits and _."}
        )
    kind = entry.get("type", TEXT)
    if kind == TEXT:
        return {"name": name, "type": TEXT}
    if kind != CHOICE:
        raise ValidationError({"variables": f"Variable {name}: type must be text or choice."})
    options = entry.get("options")
    if (
        not isinstance(options, list)
        or not options
        or not all(isinstance(o, str) and o.strip() for o in options)
    ):
        raise ValidationError({"variables": f"Variable {name}: a choice needs a list of options."})
    options = list(dict.fromkeys(o.strip() for o in options))
    if len(options) > MAX_OPTIONS or any(len(o) > MAX_OPTION_LENGTH for o in options):
        raise ValidationError(
            {
                "variables": f"Variable {name}: at most {MAX_OPTIONS} options, "
                f"{MAX_OPTION_LENGTH} characters each."
            }
        )
    return {"name": name, "type": CHOICE, "options": options}


def variables_to_lines(spec: list[dict[str, Any]]) -> str:
    """The spec as the edit form shows it: ``name`` or ``name: option | option``."""
    return "\n".join(
        f"{e['name']}: {' | '.join(e['options'])}" if e.get("type") == CHOICE else e["name"]
        for e in spec
    )


def variables_from_lines(text: str) -> list[dict[str, Any]]:
    """The inverse of ``variables_to_lines``; blank lines are skipped. Names are checked by
    ``variables_spec_clean``."""
    spec: list[dict[str, Any]] = []
    for line in text.splitlines():
        name, colon, options = line.partition(":")
        if not name.strip():
            if colon:
                raise ValidationError({"variables": f"“{line.strip()}” names no variable."})
            continue
        if colon:
            choices = [o.strip() for o in options.split("|") if o.strip()]
            spec.append({"name": name.strip(), "type": CHOICE, "options": choices})
        else:
            spec.append({"name": name.strip(), "type": TEXT})
    return spec


@dataclass
class RenderError(Exception):
    """What is wrong with the values given; ``message`` says it in one sentence."""

    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        parts = []
        if self.missing:
            parts.append("Fill in " + ", ".join(self.missing) + ".")
        if self.unknown:
            parts.append("This prompt has no variable " + ", ".join(self.unknown) + ".")
        parts.extend(self.invalid.values())
        return " ".join(parts)

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "missing": self.missing,
            "unknown": self.unknown,
            "invalid": self.invalid,
        }


def values_check(spec: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, str]:
    """The values to substitute, or RenderError naming every missing, unknown or invalid one.
    A blank value counts as missing: an empty slot in a prompt is almost always a mistake."""
    error = RenderError()
    names = {entry["name"] for entry in spec}
    error.unknown = sorted(name for name in values if name not in names)
    checked: dict[str, str] = {}
    for entry in spec:
        name, value = entry["name"], values.get(entry["name"])
        if value is not None and not isinstance(value, str):
            error.invalid[name] = f"{name} must be text."
        elif value is None or not value.strip():
            error.missing.append(name)
        elif len(value) > MAX_VALUE_LENGTH:
            error.invalid[name] = f"{name} is longer than {MAX_VALUE_LENGTH} characters."
        elif entry["type"] == CHOICE and value not in entry["options"]:
            choices = ", ".join(entry["options"])
            error.invalid[name] = f"{name} must be one of: {choices}."
        else:
            checked[name] = value
    if error.missing or error.unknown or error.invalid:
        raise error
    return checked


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace each known ``{{name}}``; values are inserted literally, never re-expanded."""
    return VARIABLE.sub(lambda match: values.get(match[1], match[0]), text)
