"""Text for a terminal: control characters of the data are shown, never obeyed.

Names, summaries and other stored text are typed by users or imported from
files; printed raw, an escape sequence in them retitles or clears the
terminal, and a bidi override reverses what the reader sees. Everything the
command line writes passes `safe` (via `common.out`/`err`): C0 controls other
than the line feed become `\\x1b`-style escapes, DEL, C1 controls and the bidi
embeddings, overrides and isolates become `\\u202e`-style escapes.

The `\\uXXXX` form is also a valid JSON escape with the same meaning, and
json.dumps already escapes every C0 control, so JSON output stays valid JSON
and decodes to exactly the stored text.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 except the line feed, DEL, C1, U+202A-U+202E (embeddings, overrides),
# U+2066-U+2069 (isolates).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """`text` with every control character (except the line feed) made visible."""
    return _UNSAFE.sub(_escape, text)


class SafeStream:
    """A text stream wrapper that writes everything through `safe`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(safe(text))

    def flush(self) -> None:
        self._stream.flush()
