#!/usr/bin/env bash
# Build the Linux bundle (PyInstaller one-folder) and its tarball, then smoke-test it.
#
#   installer/build_linux.sh            # -> dist/ikodesk-<version>-linux-<arch>.tar.gz
#
# Uses the project's .venv (created by `make`) plus PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory .venv/.installed-stamp
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10"

version=$(.venv/bin/python -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
arch=$(uname -m)
name="ikodesk-${version}-linux-${arch}"

# Translations (.qm) are build products: compile them when the tools are there.
if compgen -G "resources/i18n/*.ts" >/dev/null; then
    for ts in resources/i18n/*.ts; do
        .venv/bin/pyside6-lrelease -silent "$ts" -qm "${ts%.ts}.qm"
    done
fi

rm -rf build/pyinstaller dist/ikodesk "dist/${name}" "dist/${name}.tar.gz"
.venv/bin/pyinstaller --noconfirm --log-level ERROR --distpath dist \
    --workpath build/pyinstaller installer/ikodesk.spec

stage="dist/${name}"
mkdir -p "$stage"
cp -a dist/ikodesk "$stage/ikodesk"
cp installer/linux/ikodesk.desktop installer/linux/install.sh installer/linux/uninstall.sh "$stage/"
cp resources/icons/ikodesk-256.png "$stage/ikodesk.png"
tar -C dist -czf "dist/${name}.tar.gz" "$name"
rm -rf "$stage"

echo "bundle:  dist/ikodesk ($(du -sm dist/ikodesk | cut -f1) MB)"
echo "tarball: dist/${name}.tar.gz ($(du -sm "dist/${name}.tar.gz" | cut -f1) MB)"
QT_QPA_PLATFORM=offscreen .venv/bin/python installer/smoke_test.py dist/ikodesk/ikodesk
