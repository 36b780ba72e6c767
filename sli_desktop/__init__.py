"""SLI Desktop: encrypted, offline-first tool for sector-led improvement advisers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sli-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
