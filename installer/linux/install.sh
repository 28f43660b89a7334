#!/usr/bin/env bash
# Install the unpacked ikodesk bundle for this user (default) or system-wide (--system).
# The database lives in the user's data directory and is never touched here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--system" ]; then
    prefix=/opt/ikodesk; bindir=/usr/local/bin; share=/usr/local/share
else
    prefix="$HOME/.local/opt/ikodesk"; bindir="$HOME/.local/bin"; share="$HOME/.local/share"
fi
mkdir -p "$prefix" "$bindir" "$share/applications" "$share/icons/hicolor/256x256/apps"
cp -a "$here/ikodesk/." "$prefix/"
ln -sf "$prefix/ikodesk" "$bindir/ikodesk"
cp "$here/ikodesk.desktop" "$share/applications/ikodesk.desktop"
cp "$here/ikodesk.png" "$share/icons/hicolor/256x256/apps/ikodesk.png"
echo "ikodesk geïnstalleerd in $prefix (start: ikodesk)"
