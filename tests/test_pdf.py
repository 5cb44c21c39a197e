"""PDF reports: PDFs written by hand here (a text stream per page), read with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from parallax import pdf
from parallax.ingest import FetchResponse, iter_inputs, read_file, read_url
from parallax.models import InputError, RawDocument
from parallax.pdf import reflow

# Invented: Dornik, the Ostravia region and its ministry do not exist.
PAGE_1 = [
    "Dornik situation report",
    "At least 14 people were killed when shells hit the covered market in",
    "Dornik on Monday, the regional health ministry said. Rescue teams were",
    "still searching the rubble of two apartment blocks on Tuesday, and the",
    "ministry said 31 people were injured.",
    "Water supply",
    "The pumping station that serves the eastern districts was damaged and",
    "repair crews could not reach it because of continued shelling in the",
    "area, the town council said.",
]
PAGE_2 = [
    "Aid agencies said a convoy of twelve lorries carrying food and medi-",
    "cine reached Dornik on Tuesday evening.",
]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal valid PDF: one Helvetica text stream per page, one line per string."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    for i, lines in enumerate(pages):
        page, content = 4 + 2 * i, 5 + 2 * i
        kids.append(f"{page} 0 R")
        shown = " ".join(f"({_escape(line)}) '" for line in lines)
        stream = f"BT /F1 11 Tf 14 TL 72 760 Td {shown} ET".encode("latin-1")
        objects[page] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>"
        ).encode()
        objects[content] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
        )
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    info = ""
    if title is not None:
        number = max(objects) + 1
        objects[number] = f"<< /Title ({_escape(title)}) >>".encode("latin-1")
        info = f" /Info {number} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypted(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def read_one(path: Path) -> RawDocument | InputError:
    [item] = list(iter_inputs([str(path)]))
    assert isinstance(item, RawDocument | InputError)
    return item


def test_pdf_text_of_every_page_with_paragraphs_rejoined(tmp_path: Path) -> None:
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(make_pdf([PAGE_1, PAGE_2], title="Dornik situation report No. 4"))
    [doc] = read_file(path)
    assert (doc.name, doc.format, doc.source) == ("sitrep.pdf", "pdf", str(path))
    assert doc.title == "Dornik situation report No. 4"
    assert doc.text.split("\n\n") == [
        "Dornik situation report",
        "At least 14 people were killed when shells hit the covered market in Dornik on "
        "Monday, the regional health ministry said. Rescue teams were still searching the "
        "rubble of two apartment blocks on Tuesday, and the ministry said 31 people were "
        "injured.",
        "Water supply",
        "The pumping station that serves the eastern districts was damaged and repair crews "
        "could not reach it because of continued shelling in the area, the town council said.",
        "Aid agencies said a convoy of twelve lorries carrying food and medicine reached "
        "Dornik on Tuesday evening.",
    ]


def test_pdf_without_extension_in_a_folder_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "download").write_bytes(make_pdf([PAGE_2]))
    [item] = list(iter_inputs([str(tmp_path)]))
    assert isinstance(item, RawDocument) and item.format == "pdf"


def test_pdf_title_that_is_a_file_name_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(make_pdf([PAGE_2], title="Microsoft Word - sitrep_final.docx"))
    assert read_file(path)[0].title is None


def test_encrypted_pdf_fails_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(make_pdf([PAGE_2]), user_password="secret"))
    item = read_one(path)
    assert isinstance(item, InputError)
    assert str(item) == f"{path}: encrypted PDF (needs a password)"


def test_pdf_restricted_only_by_an_owner_password_is_read(tmp_path: Path) -> None:
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypted(make_pdf([PAGE_2]), user_password=""))
    item = read_one(path)
    assert isinstance(item, RawDocument)
    assert "convoy of twelve lorries" in item.text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "unreadable PDF ("),
        (b"this is not a PDF at all, only words", "unreadable PDF ("),
        (make_pdf([[]]), "no text in the PDF (scanned pages? Parallax does no OCR)"),
    ],
)
def test_broken_pdf_fails_with_one_line(content: bytes, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    item = read_one(path)
    assert isinstance(item, InputError)
    assert str(item).startswith(f"{path}: {reason}")
    assert "\n" not in str(item)


def test_pdf_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf([PAGE_2, PAGE_2, PAGE_2]))
    monkeypatch.setattr(pdf, "MAX_PDF_PAGES", 2)
    assert str(read_one(path)) == f"{path}: PDF too long (3 pages > 2)"
    monkeypatch.setattr(pdf, "MAX_PDF_PAGES", 500)
    monkeypatch.setattr(pdf, "MAX_TEXT_CHARS", 150)
    assert str(read_one(path)) == f"{path}: text too long (> 150 characters)"
    monkeypatch.setattr(pdf, "MAX_PDF_BYTES", 100)
    assert str(read_one(path)).startswith(f"{path}: report too large (")


def test_pdf_from_a_url() -> None:
    url = "http://93.184.216.34/sitrep"  # a public address: the guard lets it through

    def fetch(requested: str) -> FetchResponse:
        assert requested == url
        return FetchResponse(200, {"Content-Type": "application/pdf"}, make_pdf([PAGE_2]))

    doc = read_url(url, fetch=fetch)
    assert (doc.format, doc.url, doc.name) == ("pdf", url, "93.184.216.34/sitrep")
    assert doc.text.startswith("Aid agencies said a convoy")


def test_reflow_keeps_short_sentence_lines_and_headings_apart() -> None:
    text = (
        "Casualties\n"
        "Twelve people were killed and dozens were injured in the attack on the\n"
        "station, officials said.\n"
        "\n"
        "A second paragraph that is long enough to count as a full line of text\n"
        "ends here."
    )
    assert reflow(text).split("\n\n") == [
        "Casualties",
        "Twelve people were killed and dozens were injured in the attack on the station, "
        "officials said.",
        "A second paragraph that is long enough to count as a full line of text ends here.",
    ]
