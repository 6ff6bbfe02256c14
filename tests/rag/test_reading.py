"""Reading uploads: each format keeps its structure (pages, headings, records), and a file that
cannot be read is refused with its reason while the rest of the batch is read."""

from __future__ import annotations

import pytest

from rag.reading import Section, UploadLimits, read_upload
from rag.reading.parsed import content_hash
from tests.archives import zip_bytes
from tests.rag.files import docx_bytes, pdf_bytes


def read_one(name: str, data: bytes):
    result = read_upload(name, data)
    assert not result.refused, result.refused
    [document] = result.documents
    return document


def refusal(name: str, data: bytes, limits: UploadLimits | None = None) -> str:
    result = read_upload(name, data, limits)
    assert not result.documents
    [(refused_name, reason)] = result.refused
    assert refused_name == name
    return reason


def test_pdf_pages_keep_their_numbers():
    document = read_one("guide.pdf", pdf_bytes(["Install the hub (first)", "", "Run it"]))
    assert [(s.page, s.text) for s in document.sections] == [
        (1, "Install the hub (first)"),
        (3, "Run it"),  # the empty page 2 adds nothing, and page 3 stays page 3
    ]
    assert document.media_type == "application/pdf"


def test_docx_paragraphs_sit_under_their_heading_path_and_tables_become_rows():
    data = docx_bytes(
        [("h1", "Handbook"), ("p", "Welcome."), ("h2", "Leave"), ("p", "Ask first."),
         ("h2", "Expenses"), ("p", "Keep receipts."), ("h1", "Appendix"), ("p", "Forms.")],
        table=[["kind", "limit"], ["taxi", "$40"]],
    )  # fmt: skip
    document = read_one("handbook.docx", data)
    assert [(s.heading_path, s.text) for s in document.sections] == [
        (("Handbook",), "Welcome."),
        (("Handbook", "Leave"), "Ask first."),
        (("Handbook", "Expenses"), "Keep receipts."),
        (("Appendix",), "Forms."),
        ((), "kind | limit\ntaxi | $40"),
    ]


def test_markdown_headings_make_the_path_but_not_inside_code():
    text = "Intro line\n# Setup\nStep one\n```\n# not a heading\n```\n## Keys\nMake a key\n"
    document = read_one("readme.md", text.encode())
    assert [(s.heading_path, s.text) for s in document.sections] == [
        ((), "Intro line"),
        (("Setup",), "Step one\n```\n# not a heading\n```"),
        (("Setup", "Keys"), "Make a key"),
    ]


def test_csv_rows_carry_their_header_and_the_delimiter_is_sniffed():
    document = read_one("people.csv", b"name;role\nAda;admin\n\nGrace;\n")
    assert [s.text for s in document.sections] == ["name: Ada; role: admin", "name: Grace"]


def test_html_keeps_headings_and_visible_text_only():
    page = (
        b"<html><head><title>t</title><style>p{}</style></head><body><h1>Guide</h1>"
        b"<p>Hello <b>there</b></p><script>alert(1)</script><h2>More</h2><p>a&amp;b</p></body></html>"
    )
    document = read_one("page.html", page)
    assert document.sections == [
        Section("Hello there", ("Guide",)),
        Section("a&b", ("Guide", "More")),
    ]


def test_text_in_latin_1_is_read_and_the_hash_is_of_the_bytes():
    data = "caf\xe9 au lait".encode("latin-1")
    document = read_one("notes.txt", data)
    assert document.text == "café au lait" and document.content_hash == content_hash(data)
    assert content_hash(data) == read_one("again.txt", data).content_hash


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("secret.pdf", pdf_bytes(["x"], password="pw"), "encrypted"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "not a readable PDF"),
        ("fake.pdf", b"hello", "not a PDF"),
        ("scan.pdf", pdf_bytes(["", ""]), "holds no text"),
        ("old.docx", b"\xd0\xcf\x11\xe0 old word", "not a Word document"),
        ("zipped.docx", zip_bytes({"a.txt": b"x"}), "not a readable Word document"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"\n\n  \n", "holds no text"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("sheet.xlsx", b"PK\x03\x04", "not read"),
        ("one-line.csv", b"name,role\n", "no records"),
    ],
)
def test_unreadable_files_are_refused_with_their_reason(name, data, reason):
    assert reason in refusal(name, data)


def test_a_bad_file_in_a_zip_loses_nothing_else():
    upload = zip_bytes(
        {
            "docs/a.md": b"# A\nalpha",
            "docs/secret.pdf": pdf_bytes(["x"], password="pw"),
            "docs/b.txt": b"beta",
            "__MACOSX/docs/._a.md": b"junk",
            ".hidden.txt": b"hidden",
            "inner.zip": zip_bytes({"c.txt": b"gamma"}),
        }
    )
    result = read_upload("batch.zip", upload)
    assert [d.name for d in result.documents] == ["batch.zip/docs/a.md", "batch.zip/docs/b.txt"]
    assert sorted((name, reason.split(" (")[0]) for name, reason in result.refused) == [
        ("batch.zip/docs/secret.pdf", "It is encrypted"),
        ("batch.zip/inner.zip", "A ZIP inside a ZIP is not unpacked; send it alone."),
    ]


def test_limits_on_size_and_count_refuse_what_is_over():
    limits = UploadLimits(max_file_bytes=10, max_files=2, max_unpacked_bytes=1000)
    assert "larger than" in refusal("big.txt", b"x" * 11, limits)
    many = zip_bytes({f"{n}.txt": b"text" for n in range(3)})
    result = read_upload("many.zip", many, limits)
    assert len(result.documents) == 2
    assert result.refused == [("many.zip/2.txt", "More than 2 files in one upload.")]
    bomb = zip_bytes({"zeros.txt": b"0" * 5000})
    assert "unpacks to more than" in refusal("bomb.zip", bomb, limits)
    assert "not a readable ZIP" in refusal("bad.zip", b"PK not really")
