"""One vocabulary for the audit log: every action written is an `Action`, labelled once.

The check reads the source: every `audit.log(session, actor, ACTION, ...)` call
must name its action as `Action.X` / `Action.X.value`, a string that is an
`Action` value, a module constant bound to one of those, or the `.value` of a
parameter typed `Action`. Anything else (a typo, a new string nobody labelled)
fails, and the self-test below plants such calls to prove that it does. The
office server writes entries of its own (its SQL functions and triggers, and
`server init`): every `INSERT INTO audit_log` there must name an `Action` value
too.

The source checks and the labels read the code (no database). What both
backends really write after a day's work is checked against the same
vocabulary on both (`backend`: an encrypted file, the office server).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from ikodesk.errors import CaseWalled
from ikodesk.models import AuditEntry
from ikodesk.models.enums import Action
from ikodesk.models.labels import action_label, label
from ikodesk.services import audit_anchor, cases
from ikodesk.services import case_queries as q
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

SRC = Path(__file__).resolve().parent.parent / "src" / "ikodesk"
SERVER_SQL = SRC / "storage" / "server" / "sql"
VALUES = {a.value for a in Action}


def _is_audit_log(call: ast.Call) -> bool:
    f = call.func
    return (
        isinstance(f, ast.Attribute)
        and f.attr == "log"
        and isinstance(f.value, ast.Name)
        and f.value.id == "audit"
    )


def _action_arg(call: ast.Call) -> ast.expr | None:
    if len(call.args) >= 3:
        return call.args[2]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                out[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            out[node.target.id] = node.value
    return out


def _action_params(func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> set[str]:
    if func is None:
        return set()
    args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
    return {
        a.arg
        for a in args
        if a.annotation is not None and ast.unparse(a.annotation) in ("Action", "access.Action")
    }


def _resolves(node: ast.expr, constants: dict[str, ast.expr], params: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in VALUES
    if isinstance(node, ast.Attribute):
        inner = node.value
        if node.attr == "value":
            if isinstance(inner, ast.Name) and inner.id in params:
                return True  # `action.value` of a parameter typed Action
            return _resolves(inner, constants, params)
        # Action.X
        return (
            isinstance(inner, ast.Name) and inner.id == "Action" and node.attr in Action.__members__
        )
    if isinstance(node, ast.Name) and node.id in constants:
        return _resolves(constants[node.id], constants, set())
    return False


def unknown_actions(source: str, name: str) -> list[str]:
    """The `audit.log` calls in `source` whose action is not an `Action` member."""
    tree = ast.parse(source)
    constants = _constants(tree)
    found: list[str] = []

    def visit(node: ast.AST, func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else func
            if isinstance(child, ast.Call) and _is_audit_log(child):
                arg = _action_arg(child)
                if arg is None or not _resolves(arg, constants, _action_params(func)):
                    shown = ast.unparse(arg) if arg is not None else "-"
                    found.append(f"{name}:{child.lineno}: audit.log with action {shown}")
            visit(child, inner)

    visit(tree, None)
    return found


def _sources() -> list[tuple[str, str]]:
    return [
        (str(p.relative_to(SRC.parent)), p.read_text(encoding="utf-8"))
        for p in sorted(SRC.rglob("*.py"))
        if "migrations" not in p.parts
    ]


def test_every_action_written_to_the_audit_log_is_an_action() -> None:
    problems = [p for name, source in _sources() for p in unknown_actions(source, name)]
    assert not problems, "\n".join(problems)


def test_the_check_sees_audit_log_calls_at_all() -> None:
    calls = sum(
        1
        for _name, source in _sources()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and _is_audit_log(node)
    )
    assert calls >= 8  # access, logins (2), exchange, search_audit, command_audit (2), conflicts


@pytest.mark.parametrize(
    "planted",
    [
        'audit.log(s, a, "conflicts.scna", "conflict", None)',  # a typo
        'audit.log(s, a, "report.made", "report")',  # a string nobody labelled
        "audit.log(s, a, Action.NO_SUCH_THING.value, 'x')",
        'NAME = "loggin"\ndef f(s, a):\n    audit.log(s, a, NAME, "user")',
        "def f(s, a, action: str):\n    audit.log(s, a, action, 'x')",  # untyped: anything
        "audit.log(s, a, action=some_call(), object_type='x')",
    ],
)
def test_the_check_fails_on_a_planted_unknown_action(planted: str) -> None:
    assert unknown_actions(planted, "planted.py")


@pytest.mark.parametrize(
    "fine",
    [
        'audit.log(s, a, "conflicts.scan", "conflict", None)',
        "audit.log(s, a, Action.LOGIN.value, 'user')",
        'NAME = Action.COMMAND.value\ndef f(s, a):\n    audit.log(s, a, NAME, "command")',
        "def f(s, a, action: Action):\n    audit.log(s, a, action.value, 'x')",
    ],
)
def test_the_check_accepts_the_ways_the_code_names_actions(fine: str) -> None:
    assert unknown_actions(fine, "fine.py") == []


# -- what the office server writes itself -------------------------------------------------

_INSERT = re.compile(
    r"INSERT\s+INTO\s+audit_log\s*\(([^)]*)\)\s*(VALUES\s*\(|SELECT\s)", re.IGNORECASE
)


def _expressions(sql: str, start: int, wanted: int) -> list[str]:
    """The first `wanted` comma-separated expressions from `start` (quotes, brackets kept)."""
    found: list[str] = []
    depth, current, i = 0, "", start
    while i < len(sql) and len(found) < wanted:
        c = sql[i]
        if c == "'":
            end = sql.index("'", i + 1)
            while sql.startswith("''", end):  # an escaped quote
                end = sql.index("'", end + 2)
            current += sql[i : end + 1]
            i = end + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        elif c == "," and depth == 0:
            found.append(current.strip())
            current = ""
            i += 1
            continue
        current += c
        i += 1
    if current.strip() and len(found) < wanted:
        found.append(current.strip())
    return found


def server_unknown_actions(sql: str, name: str) -> list[str]:
    """The `INSERT INTO audit_log` statements in `sql` whose action is not an `Action` value.

    A bind parameter (`:action`) is the client's `audit.log` event, checked above."""
    found: list[str] = []
    for match in _INSERT.finditer(sql):
        columns = [c.strip() for c in match.group(1).split(",")]
        line = sql.count("\n", 0, match.start()) + 1
        if "action" not in columns:
            found.append(f"{name}:{line}: audit_log entry without an action")
            continue
        index = columns.index("action")
        values = _expressions(sql, match.end(), index + 1)
        action = values[index] if len(values) > index else "-"
        if action.startswith(":"):
            continue
        literal = re.fullmatch(r"'([^']*)'", action)
        if literal is None or literal.group(1) not in VALUES:
            found.append(f"{name}:{line}: audit_log entry with action {action}")
    return found


def _server_sources() -> list[tuple[str, str]]:
    """The server's SQL files, and the SQL text in the package's Python sources."""
    found = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SERVER_SQL.glob("*.sql"))]
    for name, source in _sources():
        if not re.search(r"INSERT\s+INTO\s+audit_log", source, re.IGNORECASE):
            continue  # (parsing every module costs seconds)
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "audit_log" in node.value
                and "INSERT" in node.value.upper()
            ):
                found.append((f"{name}:{node.lineno}", node.value))
    return found


def test_every_action_the_server_writes_is_an_action() -> None:
    sources = _server_sources()
    problems = [p for name, sql in sources for p in server_unknown_actions(sql, name)]
    assert not problems, "\n".join(problems)
    statements = sum(len(_INSERT.findall(sql)) for _name, sql in sources)
    # approvals, export, functions (4), logins (2), retention, subject access (3), init
    assert statements >= 13


@pytest.mark.parametrize(
    "planted",
    [
        "INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)\n"
        "VALUES ('server', 'user.mange', 'user', NEW.username, 'allowed', NULL);",
        "INSERT INTO audit_log (workstation, action, object_type, object_ref, result)\n"
        "SELECT 'server', 'conflicts.found', 'case', c.ref, 'allowed' FROM cases c;",
        "INSERT INTO audit_log (workstation, object_type, action, result)\n"
        "VALUES (left('a,b', 3), 'case', p_action, 'allowed');",  # a variable: anything
        "INSERT INTO audit_log (workstation, object_type, result) VALUES ('x', 'y', 'z');",
    ],
)
def test_the_server_check_fails_on_a_planted_unknown_action(planted: str) -> None:
    assert server_unknown_actions(planted, "planted.sql")


def test_the_server_check_accepts_what_the_server_writes() -> None:
    fine = (
        "INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)\n"
        "VALUES (coalesce(host(inet_client_addr()), 'lokaal'), 'export.all', 'database', NULL,\n"
        "        'allowed', left('it''s ' || coalesce(p, ''), 300));\n"
        "INSERT INTO audit_log (workstation, action) VALUES (:workstation, :action)"
    )
    assert server_unknown_actions(fine, "fine.sql") == []


# -- what both backends write -------------------------------------------------------------


def test_what_a_days_work_writes_is_labelled_on_both_backends(backend: Backend) -> None:
    """The entries both backends really write (the server's own included) are `Action`s."""
    backend.load(*R.USERS, R.ABDUCTION_CASE, F.FATHER_CASE)  # a conflict: the server scans
    jurist = backend.as_("jdevries")
    with jurist.transaction() as s:
        cases.get_case_by_ref(s, jurist.actor, F.MOTHER_REF)
        q.search(s, jurist.actor, "Kowalski")
    with pytest.raises(CaseWalled), jurist.session() as s:
        cases.get_case_by_ref(s, jurist.actor, F.FATHER_REF)
    admin = backend.as_("beheer")
    with admin.transaction() as s:
        audit_anchor.make_anchor(s, admin.actor)
    with backend.inspect() as s:
        written = set(s.scalars(select(AuditEntry.action)))
    assert written <= VALUES, written - VALUES
    assert {"import", "user.manage", "case.read", "case.search", "audit.anchor"} <= written
    if backend.is_server:  # what the server wrote itself: its conflict detection
        assert "conflicts.scan" in written


def test_every_action_has_a_dutch_and_an_english_label() -> None:
    for action in Action:
        nl, en = label(action, "nl"), label(action, "en")
        assert (nl and en and nl != action.value) or action is Action.IMPORT, action
        assert action_label(action.value) == nl
        assert action_label(action.value, "en") == en
    assert action_label("something.old") == "something.old"  # older entries read as stored


def test_both_front_ends_read_the_one_label_source() -> None:
    from ikodesk.cli.audit_cmds import ACTION_LABELS
    from ikodesk.ui import i18n
    from ikodesk.ui.admin.audit_view import action_label as ui_label

    assert {a.value: label(a) for a in Action} == ACTION_LABELS
    assert ui_label("conflicts.scan") == "conflictcontrole"
    previous = i18n.current_language()
    i18n._current = "en"
    try:
        assert ui_label("conflicts.scan") == "conflict check"
        assert ui_label("login") == "login"
    finally:
        i18n._current = previous
    # No copied label tables left in either front-end.
    for module in ("cli/audit_cmds.py", "ui/admin/audit_view.py"):
        text = (SRC / module).read_text(encoding="utf-8")
        assert '"dossier ingezien"' not in text, module
