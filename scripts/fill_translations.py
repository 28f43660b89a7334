"""Fill the English .ts from a {dutch: english} table in a Python file (a translator's aid).

    pyside6-lupdate $(find src/ikodesk/ui -name "*.py") \
        -ts resources/i18n/ikodesk_en.ts -no-obsolete
    python scripts/fill_translations.py TABLE.py     # TABLE.py defines EN = {...}

Entries that already have a translation keep it; the script lists what is still missing.
Qt Linguist (pyside6-linguist) edits the same file by hand.
"""

from __future__ import annotations

import runpy
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "resources" / "i18n" / "ikodesk_en.ts"


def main() -> int:
    table: dict[str, str] = runpy.run_path(sys.argv[1])["EN"] if len(sys.argv) > 1 else {}
    tree = ET.parse(TS)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") == "unfinished" or not translation.text:
            if source in table:
                translation.text = table[source]
                translation.attrib.pop("type", None)
            else:
                missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print("missing:", source)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
