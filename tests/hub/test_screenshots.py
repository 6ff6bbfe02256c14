"""``manage.py screenshots``: a throw-away hub, filled as a new user would, photographed page
by page; here at two of its four size-and-theme combinations, to keep the suite short."""

from __future__ import annotations

import struct

import pytest

from hub.screenshots import take_screenshots

pytestmark = pytest.mark.browser


def png_size(path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_every_page_is_photographed_with_an_index(tmp_path):
    written = take_screenshots(
        tmp_path, log=lambda _: None, sizes=("desktop", "phone"), themes=("dark",)
    )
    index = written[-1]
    pictures = written[:-1]
    names = {p.stem for p in pictures if p.parent.name == "phone-dark"}
    assert {"overview", "chat", "chat-conversation", "playground-run", "usage", "keys"} <= names
    assert {p.parent.name for p in pictures} == {"desktop-dark", "phone-dark"}
    assert all(png_size(p)[0] == 390 for p in pictures if p.parent.name == "phone-dark")
    assert all(png_size(p)[0] == 1440 for p in pictures if p.parent.name == "desktop-dark")
    page = index.read_text()
    assert page.count("<img") == len(pictures) and "phone-dark/usage.png" in page
