"""Issue #12: the figure keys the reports and the reports screen name exist.

`figure_keys.ALL_KEYS` is what the service computes (tests/test_figures.py
compares it with `compute_figures`' output). Two checks on top of that:

- statically, every key-shaped string in the report builders, the reports
  screen and the CLI report commands, f-strings included, names a figure or a
  group of figures (a typo fails here, with its file and line);
- at run time, `figure_keys.checked` refuses an unknown key, and the builders
  (`reports.view.FigureView`) and the screen read every figure through it, so
  a key put together at run time is checked whenever a report is built.

No database: the figure keys in the sources.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ikodesk.services.figure_keys import ALL_KEYS, checked, is_known

SRC = Path(__file__).resolve().parent.parent / "src" / "ikodesk"
USERS = [
    *sorted((SRC / "reports").glob("*.py")),
    *sorted((SRC / "ui" / "reports").glob("*.py")),
    SRC / "cli" / "report_cmds.py",
]
SECTIONS = {k.split(".")[0] for k in ALL_KEYS}
KEY_SHAPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
PART = "[a-z0-9_]+"


def _pattern(node: ast.JoinedStr) -> str | None:
    """A regular expression for an f-string that builds a figure key, else None."""
    pieces: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            pieces.append(re.escape(value.value))
        else:
            pieces.append(PART)
    text = "".join(pieces)
    first = node.values[0] if node.values else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    head = first.value.split(".")[0]
    if head not in SECTIONS or "." not in first.value or " " in first.value:
        return None
    return text


def unknown_keys(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    in_fstring = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            pattern = _pattern(node)
            if pattern and not any(re.fullmatch(pattern, k) for k in _known_and_groups()):
                found.append(f"{name}:{node.lineno}: f-string key {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in in_fstring
            and KEY_SHAPE.fullmatch(node.value)
            and node.value.split(".")[0] in SECTIONS
            and not is_known(node.value)
        ):
            found.append(f"{name}:{node.lineno}: key {node.value!r}")
    return found


def _known_and_groups() -> list[str]:
    return sorted({".".join(k.split(".")[:n]) for k in ALL_KEYS for n in range(2, 7)})


def test_every_figure_key_the_reports_name_exists() -> None:
    problems = [
        p for path in USERS for p in unknown_keys(path.read_text(encoding="utf-8"), path.name)
    ]
    assert not problems, "\n".join(problems)


def test_the_scan_finds_the_keys_at_all() -> None:
    text = (SRC / "ui" / "reports" / "reports_page.py").read_text(encoding="utf-8")
    assert '"abduction.direction.outgoing.hague"' in text
    assert unknown_keys(text.replace("outgoing.hague", "outgoing.hauge"), "planted")


@pytest.mark.parametrize(
    "planted",
    [
        'v.cur("abduction.childern")',
        'v.n("mediation.success_rate.al")',
        'rows = [("cases.totaal", "Zaken")]',
        'v.cur(f"contacts.by_chanel.{channel}")',
        'v.cur(f"prevention.parents.{rel}.potential_leftbehind")',
    ],
)
def test_the_scan_fails_on_a_planted_typo(planted: str) -> None:
    assert unknown_keys(planted, "planted.py")


@pytest.mark.parametrize(
    "fine",
    [
        'v.cur("abduction.children")',
        'v.cur(f"contacts.by_channel.{channel}")',
        'v.cur(f"line2.{code.value}")',
        '"cases.total"',
    ],
)
def test_the_scan_accepts_real_keys(fine: str) -> None:
    assert unknown_keys(fine, "fine.py") == []


def test_checked_refuses_a_key_the_service_does_not_compute() -> None:
    assert checked("abduction.direction.outgoing.hague") == "abduction.direction.outgoing.hague"
    assert checked("abduction.direction.outgoing") == "abduction.direction.outgoing"  # a group
    for typo in ("abduction.childern", "cases", "cases.total.x", ""):
        if typo == "cases":
            assert checked(typo) == "cases"  # a section is a group too
            continue
        with pytest.raises(KeyError):
            checked(typo)


def test_the_builders_read_through_the_check() -> None:
    from ikodesk.reports.view import FigureView

    view = FigureView(
        {
            "year": 2024,
            "compare": 2023,
            "trend": {"years": [2024], "values": {}},
            "current": {},
            "previous": {},
            "change_pct": {},
        }
    )
    assert view.cur("cases.total") is None
    for read in (view.cur, view.prev, view.change, view.trend):
        with pytest.raises(KeyError):
            read("cases.totaal")
