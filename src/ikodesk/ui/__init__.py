"""The PySide6 desktop client (the only layer that imports Qt)."""
