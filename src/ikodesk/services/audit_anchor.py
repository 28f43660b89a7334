"""Audit anchors: the chain's head as a short code kept outside the database.

The hash chain (services.audit) uses no secret: whoever holds the database key
can remove, change or add entries and recompute every hash after them, and the
chain then checks out. An anchor makes such a rewrite detectable for the part
of the log that existed when the anchor was made. The administrator notes the
code down outside the database (paper, an e-mail to the manager);
`verify_anchor` later recomputes the chain from the first entry up to the
anchored one and compares it with the code.

A code reads `1234-ABCD-EFGH-JKMN-PQRS-T`: the number of the anchored entry,
the first 80 bits of its chain hash in Crockford base 32 (no I, L, O, U) in
four groups, and a check character over both, which catches a mistyped code.
Matching 80 bits with a forged history takes about 2^80 hashes.

What an anchor does not prove: anything about entries after it (they can be
removed, changed or invented by a key holder and the anchor still holds), nor
that the code itself was kept safe. See docs/security.md, "Audit log".

The last anchor (time, entry number, code) is kept in `meta` for the reminder
in Beheer; every anchor is also an audit entry ("audit.anchor") with its code.
The code is no secret: it is derived from a hash that is in the file anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import AuditEntry
from ikodesk.services import access, audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
HASH_CHARS = 16  # 80 bits
LAST_ANCHOR_KEY = "audit_last_anchor"
REMIND_AFTER = timedelta(days=31)

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _base32(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    out = []
    for i in range(chars):
        shift = bits - 5 * (i + 1)
        out.append(ALPHABET[(number >> shift) & 31] if shift >= 0 else ALPHABET[0])
    return "".join(out)


def _check_char(seq: int, digest: str) -> str:
    return ALPHABET[hashlib.sha256(f"{seq}:{digest}".encode("ascii")).digest()[0] & 31]


@dataclass(frozen=True)
class Anchor:
    seq: int  # the anchored entry's number
    digest: str  # HASH_CHARS characters of its chain hash, base 32

    @classmethod
    def of(cls, seq: int, chain_hash: str) -> Anchor:
        return cls(seq, _base32(bytes.fromhex(chain_hash)[:10], HASH_CHARS))

    @property
    def code(self) -> str:
        groups = [self.digest[i : i + 4] for i in range(0, HASH_CHARS, 4)]
        return "-".join([str(self.seq), *groups, _check_char(self.seq, self.digest)])


def parse(code: str) -> Anchor:
    """An anchor from a code as typed (case, spaces and look-alike letters forgiven)."""
    cleaned = code.strip().upper().replace(" ", "")
    number, _, rest = cleaned.translate(_LOOKALIKES).partition("-")
    rest = rest.replace("-", "")
    if (
        not number.isdigit()
        or int(number) < 1
        or len(rest) != HASH_CHARS + 1
        or any(c not in ALPHABET for c in rest)
    ):
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services",
                "Dit is geen geldige ankercode. Een ankercode ziet eruit als "
                "1234-ABCD-EFGH-JKMN-PQRS-T: het nummer van een vermelding, vier groepen van "
                "vier tekens en een controleteken.",
            )
        )
    anchor = Anchor(int(number), rest[:HASH_CHARS])
    if _check_char(anchor.seq, anchor.digest) != rest[HASH_CHARS]:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services",
                "Het controleteken van de ankercode klopt niet: er is waarschijnlijk een teken "
                "verkeerd overgenomen. Controleer de code.",
            )
        )
    return anchor


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    seq: int
    message: str  # Dutch, for the user


def verify_anchor(session: Session, anchor: Anchor) -> AnchorCheck:
    """Recompute the chain from the first entry to the anchored one and compare (no policy)."""
    table = AuditEntry.__table__
    prev = audit.GENESIS
    expected = 1
    rows = session.execute(
        select(table).where(table.c.id <= anchor.seq).order_by(table.c.id)
    ).yield_per(5000)
    for row in rows:
        if row.id != expected:
            break
        prev = audit.chain_hash(prev, row.id, audit._event_of(row))
        expected += 1
    seen = expected - 1
    if seen < anchor.seq:
        return AnchorCheck(
            False,
            anchor.seq,
            f"het log heeft geen vermelding {seen + 1} meer (het anker gaat tot vermelding "
            f"{anchor.seq}): vermeldingen van vóór het anker zijn verwijderd",
        )
    if Anchor.of(anchor.seq, prev).digest != anchor.digest:
        return AnchorCheck(
            False,
            anchor.seq,
            f"vermelding 1 t/m {anchor.seq} zijn niet meer dezelfde als toen het anker werd "
            "gemaakt: het log is vóór het ankerpunt gewijzigd, verwijderd of herschreven",
        )
    return AnchorCheck(
        True,
        anchor.seq,
        f"vermelding 1 t/m {anchor.seq} zijn ongewijzigd sinds het anker werd gemaakt",
    )


@dataclass(frozen=True)
class AnchorStatus:
    last_at: datetime | None  # UTC
    seq: int | None
    code: str | None
    due: bool  # no anchor yet, or the last is older than REMIND_AFTER


def status(session: Session, *, clock: Clock = _utc_now) -> AnchorStatus:
    """The last anchor, for the reminder in Beheer (a date and a number: no personal data)."""
    value = session.execute(
        text("SELECT value FROM meta WHERE key = :k"), {"k": LAST_ANCHOR_KEY}
    ).scalar_one_or_none()
    if not value:
        return AnchorStatus(None, None, None, True)
    stamp, seq, code = [*str(value).split(" "), "", "", ""][:3]
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return AnchorStatus(None, None, None, True)
    number = int(seq) if seq.isdigit() else None
    return AnchorStatus(at, number, code or None, clock() - at > REMIND_AFTER)


def make_anchor(session: Session, actor: Actor, *, clock: Clock = _utc_now) -> Anchor:
    """Anchor the current head (admins; audited with its code). Refused on a broken chain.

    The anchored entry is the last one before this anchor's own audit entry.
    """
    if not access.allowed(session, actor, Action.AUDIT_ANCHOR):
        access.require(session, actor, Action.AUDIT_ANCHOR)  # audits the refusal, raises
    check = audit.verify_chain(session)
    if not check.ok:
        access.require(session, actor, Action.AUDIT_ANCHOR, detail="keten niet intact")
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services",
                "Het auditlog is niet intact ({problem}); een anker zou dat bevestigen. "
                "Zoek eerst uit wat er is gebeurd (ikodesk audit verify).",
            ),
            problem=check.problem,
        )
    if check.entries == 0:
        access.require(session, actor, Action.AUDIT_ANCHOR, detail="log leeg")
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services", "Het auditlog is nog leeg: er is niets om vast te leggen."
            )
        )
    head = session.execute(
        text("SELECT value FROM meta WHERE key = :k"), {"k": audit.HEAD_KEY}
    ).scalar_one()
    seq_text, _, digest = str(head).partition(" ")
    anchor = Anchor.of(int(seq_text), digest)
    access.require(
        session,
        actor,
        Action.AUDIT_ANCHOR,
        object_ref=str(anchor.seq),
        detail=f"anker {anchor.code}",
    )
    session.execute(
        text(
            "INSERT INTO meta (key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        {"k": LAST_ANCHOR_KEY, "v": f"{clock().isoformat()} {anchor.seq} {anchor.code}"},
    )
    return anchor
