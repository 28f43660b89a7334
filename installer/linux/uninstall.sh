#!/usr/bin/env bash
# Remove the ikodesk program; the user's database and settings stay where they are.
set -euo pipefail
if [ "${1:-}" = "--system" ]; then
    prefix=/opt/ikodesk; bindir=/usr/local/bin; share=/usr/local/share
else
    prefix="$HOME/.local/opt/ikodesk"; bindir="$HOME/.local/bin"; share="$HOME/.local/share"
fi
rm -rf "$prefix"
rm -f "$bindir/ikodesk" "$share/applications/ikodesk.desktop" \
      "$share/icons/hicolor/256x256/apps/ikodesk.png"
echo "ikodesk verwijderd; de database en instellingen van de gebruikers zijn bewaard."
