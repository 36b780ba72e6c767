"""The ``sli`` command: every service of the app, for scripting and for tests."""

from .app import main

__all__ = ["main"]
