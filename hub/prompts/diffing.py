"""Line diffs between two prompt versions, for the detail page's comparison."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from hub.prompts.models import PromptVersion
from hub.prompts.rendering import variables_to_lines


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "-"}.get(self.kind, " ")


@dataclass(frozen=True)
class DiffSection:
    title: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def lines_diff(old: str, new: str) -> list[DiffLine]:
    """Every line of both texts, in order, marked as kept, added or removed."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", text) for text in a[i1:i2])
            continue
        lines.extend(DiffLine("removed", text) for text in a[i1:i2])
        lines.extend(DiffLine("added", text) for text in b[j1:j2])
    return lines


def versions_diff(old: PromptVersion, new: PromptVersion) -> list[DiffSection]:
    """System prompt, body and variables of ``old`` against ``new``."""
    return [
        DiffSection("System prompt", lines_diff(old.system_prompt, new.system_prompt)),
        DiffSection("Body", lines_diff(old.body, new.body)),
        DiffSection("Variables", lines_diff(_variables_text(old), _variables_text(new))),
    ]


def _variables_text(version: PromptVersion) -> str:
    return variables_to_lines(version.variables)
