"""Error classes shared by every layer.

Each error carries a plain Dutch message for the user and the exit code the
command line returns for it (0 ok, 1 usage, 2 environment/key/input, 3 access
refused). Bugs are not IkodeskErrors: they surface as tracebacks in the log.

A message is a Dutch template with named parameters (`template`, `params`):
the command line prints the Dutch text (`message`); the desktop client
translates the template (Qt context "services") and fills in the parameters,
so no front-end has to take a finished sentence apart. Templates are marked
with `QT_TRANSLATE_NOOP("services", ...)` so that lupdate finds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate reads
    """Mark a message template for translation; the text itself is returned (no Qt here)."""
    del context
    return text


def fill(template: str, params: dict[str, Any]) -> str:
    """The template with its parameters filled in (a template without any is left as is)."""
    return template.format(**params) if params else template


class IkodeskError(Exception):
    """An error the user can understand and usually fix."""

    exit_code = 2

    def __init__(self, message: str, /, **params: Any) -> None:
        text = fill(message, params)
        super().__init__(text)
        self.message = text  # the Dutch sentence, as the command line prints it
        self.template = message  # the Dutch template: the translation's source text
        self.params = params


class UsageError(IkodeskError):
    exit_code = 1


class StorageError(IkodeskError):
    """The database cannot be opened or written (wrong key, disk, version)."""


class WrongKeyError(StorageError):
    pass


class NotADatabaseError(WrongKeyError):
    """The file cannot be an ikodesk database (empty, or not ours)."""


class DatabaseDamagedError(StorageError):
    """Pages of the database are damaged (truncated, altered, unreadable)."""


class KeyUnavailableError(StorageError):
    """No key could be found for the database (keyring entry missing, no passphrase)."""


class SchemaTooNewError(StorageError):
    pass


class DatabaseBusy(StorageError):
    """Another process kept the database locked for longer than we wait (nothing written)."""

    MESSAGE = QT_TRANSLATE_NOOP(
        "services",
        "De database is bezet: een ander programma of een andere werkplek schrijft er "
        "op dit moment in (bijvoorbeeld een import). Er is niets opgeslagen. Probeer het "
        "over een ogenblik opnieuw.",
    )

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class InputError(IkodeskError):
    """Invalid input: a file, a field, a value."""


class FieldProblem(Exception):
    """One invalid field: its path and a Dutch message template with named parameters.

    The path is in exchange-format terms ("requester.side", "children[2].birth_date").
    As with IkodeskError, `message` is the Dutch sentence (what the command line and the
    exchange import print) and `template`/`params` what the desktop client translates
    and fills in with its own words: a date as dd-mm-jjjj, a code by its label, a field
    by its name on the form (the parameter types of services.validation.wording).
    `in_form` is a shorter template for next to the field, where what the long one adds
    ("bij code ...") is in view already.
    """

    def __init__(
        self, field: str, message: str, /, *, in_form: str | None = None, **params: Any
    ) -> None:
        text = fill(message, params)
        super().__init__(f'veld "{field}": {text}')
        self.field = field
        self.message = text
        self.template = message
        self.params = params
        self.in_form = in_form

    def at(self, field: str) -> FieldProblem:
        """The same problem, of another field (a form that numbers its fields otherwise)."""
        return FieldProblem(field, self.template, in_form=self.in_form, **self.params)


class ValidationError(InputError):
    """One or more fields are invalid: `problems` (FieldProblem), first one first.

    `errors` maps each field to its Dutch message. Built from a dict of plain messages
    too (`{field: message}`): the message is then its own template, without parameters.
    """

    def __init__(
        self, errors: dict[str, str] | Sequence[FieldProblem], line: int | None = None
    ) -> None:
        if isinstance(errors, dict):
            problems = [FieldProblem(f, m) for f, m in errors.items()]
        else:
            problems = list(errors)
        self.problems = problems
        self.errors: dict[str, str] = {}
        for p in problems:
            self.errors.setdefault(p.field, p.message)
        self.line = line
        first = problems[0]
        prefix = f"regel {line}, " if line is not None else ""
        super().__init__(f'{prefix}veld "{first.field}": {first.message}')
        self.field = first.field
        self.field_message = first.message


class NotFoundError(InputError):
    pass


class AuthenticationError(IkodeskError):
    pass


class AccessDenied(IkodeskError):
    """The access policy refused an action. The message never names walled data."""

    exit_code = 3


class CaseWalled(AccessDenied):
    """A dossier behind a conflict wall for this user. The message says "afgeschermd"."""


class HandlerWalled(CaseWalled):
    """The chosen handler stands on the other side of a conflict of this case.

    The user may see the case; it is the assignment that is refused (a form shows
    the message next to the handler field).
    """


class ServerUnavailable(StorageError):
    """The office server cannot be reached, or the connection to it was lost."""


class ConcurrentChange(InputError):
    """Someone else saved the same record first (optimistic locking): nothing was written."""


# The wall's messages (raised by services.access, and by the server's functions:
# storage.server maps their SQLSTATEs to the same errors with the same words).
WALL_MESSAGE = QT_TRANSLATE_NOOP(
    "services",
    "Geen toegang: dit dossier is afgeschermd. Het hoort bij de andere kant van een "
    "(mogelijke) conflictzaak waarmee u werkt of die u heeft ingezien.",
)
HANDLER_WALLED_MESSAGE = QT_TRANSLATE_NOOP(
    "services",
    "Deze behandelaar kan de zaak niet krijgen: de zaak is voor deze behandelaar "
    "afgeschermd (de andere kant van een conflictzaak die hij of zij behandelt of heeft "
    "ingezien). Kies een andere behandelaar.",
)


class ApprovalRefused(AccessDenied):
    """Four eyes: the second administrator's approval is missing or was refused."""


# The approval's messages (raised by services.approvals, and by the server's
# ikodesk_consume_approval: storage.server maps its SQLSTATE IK004 to the first).
APPROVAL_NEEDED = QT_TRANSLATE_NOOP(
    "services",
    "Voor deze handeling is de goedkeuring van een tweede beheerder nodig: die logt op "
    "dit moment met eigen naam en wachtwoord in om de handeling goed te keuren "
    "(opdrachtregel: --approver NAAM of IKODESK_APPROVER, wachtwoord in "
    "IKODESK_APPROVER_PASSWORD of op de vraag). Er is niets gedaan.",
)
