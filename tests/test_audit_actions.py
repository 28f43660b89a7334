"""One vocabulary for the audit log: every action written is an `Action`, labelled once.

The check reads the source: every `audit.log(session, actor, ACTION, ...)` call
must name its action as `Action.X` / `Action.X.value`, a string that is an
`Action` value, a module constant bound to one of those, or the `.value` of a
parameter typed `Action`. Anything else (a typo, a new string nobody labelled)
fails, and the self-test below plants such calls to prove that it does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ikodesk.models.enums import Action
from ikodesk.models.labels import action_label, label

SRC = Path(__file__).resolve().parent.parent / "src" / "ikodesk"
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
