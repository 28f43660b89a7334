"""Letters that NFKD leaves whole, spelt as they are without their stroke or ligature.

"Łukasz" is typed "Lukasz", "Øyvind" "Oyvind", "Strauß" "Strauss": every comparison
of names folds them so (family matching, the wall notice, the mediation family
check, the file's search index through the SQL function `ikodesk_letters`), as the
office server's unaccent does (storage/server/sql: ikodesk_fold, ikodesk_sa_fold).
"""

from __future__ import annotations

SPECIAL_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "İ": "i",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
    }
)


def plain_letters(text: str | None) -> str | None:
    """`text` with the letters above spelt out (SQL: ikodesk_letters, on a file)."""
    return text.translate(SPECIAL_LETTERS) if text else text
