"""Which keys to try on a database, and what to tell the user when none opens it.

The key-info file beside a database is plain text that anyone can delete or
edit, so it is a hint, never the truth: every key this user has for the
database id (the keyring entry, a pending entry left by an interrupted rekey,
a recovery key or passphrase given) is tried, cheapest first (a given passphrase
before the keyring when the file names a passphrase alone), and the one that
authenticates decides. A message never names one way as the only one when
the key-info file cannot be trusted to know.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ikodesk.errors import KeyUnavailableError, WrongKeyError
from ikodesk.storage import keys
from ikodesk.storage.keys import DatabaseKey, KeyMode
from ikodesk.storage.paths import sidecar_path

if TYPE_CHECKING:
    from ikodesk.storage.driver import KeyInfo

T = TypeVar("T")


class KeySource(StrEnum):
    RECOVERY = "recovery"
    KEYRING = "keyring"
    PENDING = "pending"  # stored by a rekey that did not finish
    PASSPHRASE = "passphrase"


@dataclass(frozen=True)
class Candidate:
    source: KeySource
    key: DatabaseKey


def pending_entry(database_id: str) -> str:
    """The keyring entry that holds a new key while a rekey is under way."""
    return f"{database_id}.pending"


def candidates(
    info: KeyInfo | None, passphrase: str | None, recovery_key: str | None
) -> Iterator[Candidate]:
    """The keys to try, cheapest first, each made only when the ones before it failed.

    A database whose key-info file names a passphrase alone tries a given
    passphrase before the keyring: loading the keyring costs more than the key
    derivation (issue #16's `ikodesk info`), and a desktop may ask to unlock its
    keyring for a database that never kept a key there. The keyring's entries are
    still tried after it: the key-info file is a hint (an interrupted rekey, an
    edited file), and what authenticates decides.
    """
    if recovery_key is not None:
        raw = keys.parse_recovery_key(recovery_key)
        yield Candidate(KeySource.RECOVERY, DatabaseKey.from_raw(raw))
    given = (
        Candidate(KeySource.PASSPHRASE, DatabaseKey.from_passphrase(passphrase))
        if passphrase is not None
        else None
    )
    passphrase_first = info is not None and info.modes() == {KeyMode.PASSPHRASE}
    if given is not None and passphrase_first:
        yield given
    if info is not None:
        for source, entry in (
            (KeySource.KEYRING, info.database_id),
            (KeySource.PENDING, pending_entry(info.database_id)),
        ):
            stored = keys.load_from_keyring(entry)
            if stored is not None:
                yield Candidate(source, DatabaseKey.from_raw(stored))
    if given is not None and not passphrase_first:
        yield given


def unlock(
    path: Path,
    info: KeyInfo | None,
    passphrase: str | None,
    recovery_key: str | None,
    connect: Callable[[DatabaseKey], T],
) -> tuple[Candidate, T]:
    """The first candidate whose key opens `path` (`connect` raises WrongKeyError for
    one that does not) and what `connect` made with it; a Dutch refusal when none does."""
    tried: list[KeySource] = []
    for candidate in candidates(info, passphrase, recovery_key):
        tried.append(candidate.source)
        try:
            return candidate, connect(candidate.key)
        except WrongKeyError:
            continue
    if not tried:
        raise KeyUnavailableError(no_key_message(info, path))
    raise WrongKeyError(wrong_key_message(info, path, tried))


RECOVERY_HOW = f"de herstelsleutel (--recovery-key of {keys.ENV_RECOVERY_KEY})"
PASSPHRASE_HOW = f"de wachtwoordzin ({keys.ENV_PASSPHRASE})"


def _ways(info: KeyInfo | None, path: Path) -> str:
    """What can open the database, in the order the key-info file suggests."""
    sidecar = sidecar_path(path).name
    if info is None:
        return (
            f"Het bestand met de sleutelgegevens ({sidecar}) ontbreekt of is onleesbaar, "
            "dus ikodesk weet niet hoe deze database beveiligd is. Open de database met "
            f"{RECOVERY_HOW} als de sleutel in de sleutelbos (keyring) stond, of met "
            f"{PASSPHRASE_HOW} als de database met een wachtwoordzin beveiligd is."
        )
    if KeyMode.KEYRING in info.modes() and KeyMode.PASSPHRASE not in info.modes():
        return (
            f"Open de database met {RECOVERY_HOW}. Is de database met een wachtwoordzin "
            f"beveiligd (het bestand {sidecar} kan gewijzigd zijn), geef dan {PASSPHRASE_HOW}."
        )
    if KeyMode.KEYRING not in info.modes():
        return (
            f"Volgens {sidecar} is de database beveiligd met een wachtwoordzin: geef "
            f"{PASSPHRASE_HOW}. Stond de sleutel in de sleutelbos (het bestand {sidecar} "
            f"kan gewijzigd zijn), gebruik dan {RECOVERY_HOW}."
        )
    return (
        "Een eerdere nieuwe versleuteling is onderbroken. Open de database met "
        f"{PASSPHRASE_HOW} (de nieuwe) of met {RECOVERY_HOW}."
    )


def no_key_message(info: KeyInfo | None, path: Path) -> str:
    # (a passphrase alone: `_ways` says so itself, with the file as its source)
    if info is not None and info.modes() == {KeyMode.KEYRING}:
        lead = "De sleutel van deze database staat niet in de sleutelbos van deze gebruiker. "
    else:
        lead = ""
    return lead + _ways(info, path)


def pre_rekey_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.pre-rekey-*.db"))


def wrong_key_message(info: KeyInfo | None, path: Path, tried: list[KeySource]) -> str:
    text = (
        "De database kan niet worden geopend: de sleutel is onjuist of het bestand "
        "is geen ikodesk-database. "
    )
    if KeySource.RECOVERY in tried or KeySource.PASSPHRASE in tried:
        copies = pre_rekey_copies(path)
        if copies:
            text += (
                "De database is opnieuw versleuteld: een oude herstelsleutel of wachtwoordzin "
                f"opent alleen de kopie met de oude sleutel ({copies[-1]}). "
            )
    return text + _ways(info, path)
