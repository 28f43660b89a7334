"""Entry script of the frozen application (PyInstaller)."""

import sys

from ikodesk.app import main

if __name__ == "__main__":
    sys.exit(main())
