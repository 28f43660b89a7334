"""ikodesk: case registration for the Centrum Internationale Kinderontvoering."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ikodesk")
except PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

__all__ = ["__version__"]
