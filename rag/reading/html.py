"""HTML with the standard library's parser: text of the page, ``<h1>`` to ``<h6>`` as the heading
path; scripts, styles and other invisible parts left out."""

from __future__ import annotations

from html.parser import HTMLParser

from rag.reading.parsed import ParsedDocument, Section, document_of
from rag.reading.text import decoded

HIDDEN = {"script", "style", "noscript", "template", "head", "svg"}
BLOCKS = {"p", "div", "li", "tr", "br", "section", "article", "pre", "blockquote", "table"}
HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self.path: list[str] = []
        self.text: list[str] = []
        self.heading: list[str] | None = None
        self.level = 0
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in HEADINGS:
            self.flush()
            self.heading, self.level = [], HEADINGS[tag]
        elif tag in BLOCKS:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in HEADINGS and self.heading is not None:
            del self.path[self.level - 1 :]
            self.path.append(" ".join("".join(self.heading).split()))
            self.heading = None
        elif tag in BLOCKS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        (self.heading if self.heading is not None else self.text).append(data)

    def flush(self) -> None:
        """End the section so far (at a heading, and at the end of the page)."""
        lines = [" ".join(line.split()) for line in "".join(self.text).split("\n")]
        text = "\n\n".join(line for line in lines if line)
        if text:
            self.sections.append(Section(text, tuple(self.path)))
        self.text = []


def read_html(name: str, data: bytes) -> ParsedDocument:
    parser = _Sections()
    parser.feed(decoded(data))
    parser.close()
    parser.flush()
    return document_of(name, "text/html", data, parser.sections)
