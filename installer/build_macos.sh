#!/usr/bin/env bash
# Build ikodesk.app and a disk image on macOS (run on a Mac with Python 3.11).
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory .venv/.installed-stamp
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10"
version=$(.venv/bin/python -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
for ts in resources/i18n/*.ts; do [ -e "$ts" ] && .venv/bin/pyside6-lrelease -silent "$ts" -qm "${ts%.ts}.qm"; done
.venv/bin/pyinstaller --noconfirm --log-level ERROR --distpath dist --workpath build/pyinstaller installer/ikodesk.spec
QT_QPA_PLATFORM=offscreen .venv/bin/python installer/smoke_test.py dist/ikodesk/ikodesk
hdiutil create -volname ikodesk -srcfolder dist/ikodesk.app -ov -format UDZO "dist/ikodesk-${version}-macos.dmg"
