"""ikodesk: case registration for the Centrum Internationale Kinderontvoering."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ikodesk")
except PackageNotFoundError:  # a frozen bundle (no dist-info) or a bare source tree
    try:
        from _bundle_version import VERSION  # type: ignore[import-not-found]

        __version__ = VERSION
    except ImportError:
        __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
