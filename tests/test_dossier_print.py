"""Issue #14, points 9-11: the dossier print, read back from the PDF (pypdf).

Every page carries "Vertrouwelijk", the reference, who printed it and when, and
"Pagina N van M"; table cells wrap between words and break a word too long for
its column at a Dutch syllable, with a hyphen; users are named one way
throughout; an open case is "Gesloten: –".

The dossiers are printed on both backends (`backend`: an encrypted file, the
office server), by the handler's own login.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyphen
import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from ikodesk.reports import layout
from ikodesk.reports.catalogue import DOSSIER
from ikodesk.services import reporting
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

OPEN_REF = "2024-L2-00050"
CHANNELS = ("form", "phone", "email")
PARTIES = ("professional", "family", "parent")
HANDLERS = ("jdevries", "sbakker")

# An open case handled by J. de Vries, with enough contact moments (by two
# handlers, through every channel) to fill more than one page.
OPEN_CASE: dict[str, Any] = R.case(
    ref=OPEN_REF, opened="2024-02-01", closed=..., close_reason=..., handler="jdevries"
)
CONTACTS: list[dict[str, Any]] = [
    {
        "type": "contact",
        "case": OPEN_REF,
        "at": f"2024-{2 + i // 10:02d}-{1 + i % 10 * 2:02d}T{9 + i % 8:02d}:15",
        "channel": CHANNELS[i % 3],
        "party": PARTIES[i % 3],
        "handler": HANDLERS[i % 2],
        "minutes": 10 + i,
        "summary": (
            f"Gesprek {i + 1} over de terugkeer van de kinderen, de procedure bij de "
            "Centrale autoriteit en de mogelijkheden van mediation; afspraken vastgelegd."
        ),
    }
    for i in range(45)
]


def _read(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


@pytest.fixture
def printed(backend: Backend, tmp_path: Path) -> tuple[list[str], datetime, datetime]:
    """The open case's dossier as J. de Vries prints it: the text of every page."""
    backend.load(*F.STAFF, OPEN_CASE, *CONTACTS)
    jurist = backend.as_("jdevries")
    before = datetime.now().replace(second=0, microsecond=0)
    path = reporting.print_dossier(
        jurist.db, jurist.actor, OPEN_REF, tmp_path / "d.pdf", render=DOSSIER
    )
    after = datetime.now()
    return _read(path), before, after


def test_every_page_says_confidential_whose_and_which_page(
    printed: tuple[list[str], datetime, datetime],
) -> None:
    pages, before, after = printed
    total = len(pages)
    assert total >= 3  # the header and footer are checked on later pages too
    stamps = set()
    for number, text in enumerate(pages, start=1):
        assert "Vertrouwelijk" in text, number
        assert OPEN_REF in text, number
        match = re.search(r"Afgedrukt door J\. de Vries op (\d\d-\d\d-\d{4} \d\d:\d\d)", text)
        assert match, number
        stamps.add(match.group(1))
        assert re.findall(r"Pagina (\d+) van (\d+)", text) == [(str(number), str(total))]
    # One moment on every page, the moment it was printed.
    assert len(stamps) == 1
    stamp = datetime.strptime(stamps.pop(), "%d-%m-%Y %H:%M")
    assert before <= stamp <= after + timedelta(minutes=1)


def test_the_printed_by_line_is_no_longer_a_paragraph_of_its_own(
    printed: tuple[list[str], datetime, datetime],
) -> None:
    pages, _before, _after = printed
    assert sum(text.count("Afgedrukt door") for text in pages) == len(pages)
    # The last page holds contact moments, not just a footer.
    assert "Gesprek 45" in pages[-1]


def test_users_are_named_one_way_and_an_open_case_is_not_closed(
    printed: tuple[list[str], datetime, datetime],
) -> None:
    text = "\n".join(pages for pages in printed[0])
    # The handler of the case and of its contacts: the full name, never the login.
    assert re.search(r"Behandelaar\s*J\. de Vries", text)
    assert text.count("J. de Vries") > len(CONTACTS) // 2
    assert "S. Bakker" in text
    assert "jdevries" not in text and "sbakker" not in text
    assert re.search(r"Gesloten\s*–", text)
    assert not re.search(r"Gesloten\s*open", text)


def test_a_closed_case_shows_its_date_and_reason(backend: Backend, tmp_path: Path) -> None:
    backend.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT)
    jurist = backend.as_("jdevries")
    path = reporting.print_dossier(
        jurist.db, jurist.actor, F.MOTHER_REF, tmp_path / "d.pdf", render=DOSSIER
    )
    pages = _read(path)
    assert len(pages) == 1
    assert re.search(r"Gesloten\s*20-05-2024 \(Opgelost\)", pages[0])
    assert "Pagina 1 van 1" in pages[0]


def _broken_words(text: str, word: str) -> list[tuple[str, str]]:
    """Every place where `word` is broken over two lines in `text`: (head, tail)."""
    found = []
    for cut in range(1, len(word)):
        head, tail = word[:cut], word[cut:]
        pattern = re.escape(head) + r"(-?)\n" + re.escape(tail) + r"\b"
        for match in re.finditer(pattern, text):
            found.append((head + match.group(1), tail))
    return found


def test_long_words_in_cells_break_at_a_dutch_syllable_with_a_hyphen(
    printed: tuple[list[str], datetime, datetime],
) -> None:
    text = "\n".join(printed[0])
    dutch = pyphen.Pyphen(lang="nl_NL")
    # "Contactformulier" is wider than the channel column: it breaks, with a hyphen,
    # where the Dutch dictionary allows (never "Contactfo/rmulier").
    breaks = _broken_words(text, "Contactformulier")
    assert len(breaks) == len(CONTACTS) // 3
    for head, tail in breaks:
        assert head.endswith("-"), (head, tail)
        assert len(head) - 1 in dutch.positions("Contactformulier"), (head, tail)
    assert "Contactformulier" not in text
    # Words that fit their column are never broken: "Professional" and
    # "Familie/kennis" whole, the summaries wrapped between words.
    assert text.count("Professional") == len(CONTACTS) // 3
    assert text.count("Familie/kennis") == len(CONTACTS) // 3
    assert "Gesprek 45 over de" in text.replace("\n", " ")
    for head, tail in set(breaks):
        text = text.replace(f"{head}\n{tail}", "")
    assert not re.search(r"\w-\n\w", text)


def _lines(text: str, width: float) -> list[str]:
    cell = layout.styles().cell
    paragraph = Paragraph(layout.soft_hyphens(text, width, cell.fontName, cell.fontSize), cell)
    paragraph.wrap(width, 1000)
    lines = paragraph.blPara.lines  # type: ignore[attr-defined]  # set by wrap()
    return [" ".join(words) for _extra, words in lines]


def test_soft_hyphens_break_only_what_must_break() -> None:
    # Words that fit a line of their own wrap whole, between words.
    assert _lines("een korte zin met woorden over de", 45) == [
        "een korte",
        "zin met",
        "woorden",
        "over de",
    ]
    # One too wide for any line moves to the next line and breaks at a Dutch syllable
    # (not between any two letters where the last line ended: "kinderontvo/ering").
    assert _lines("over de kinderontvoering", 45) == ["over de", "kinderont-", "voering"]
    assert _lines("Contactformulier", 45) == ["Contact-", "formulier"]
    # A wider column fills the line with the first syllables.
    assert _lines("over de kinderontvoering", 60) == ["over de kin-", "derontvoe-", "ring"]
    # What ReportLab does by itself: a break between any two letters, no hyphen.
    plain = Paragraph("over de kinderontvoering", layout.styles().cell)
    plain.wrap(45, 1000)
    lines = [" ".join(words) for _extra, words in plain.blPara.lines]  # type: ignore[attr-defined]
    assert lines == ["over de ki", "nderontvo", "ering"]
