"""Counts said the way a person says them: "1 draft", "2 drafts", never "draft(s)"; and the
other sentences the window says in more than one place."""

from __future__ import annotations

from ..vault.errors import VaultError


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count with its noun in the right number (``many`` for irregular plurals)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


#: The services' messages are shared with the command line, which names its commands; in the
#: window each says where in the window to do it instead (issue 21: no `sli` in window text).
WINDOW_HINTS = (
    ("run sli sync", "choose Sync now in the File menu (Ctrl+Shift+S)"),
    ("run sli enroll first", "enrol this device in the Sync view first"),
    (" (sli goodpractice take-back, or Take back in the window)", " (Take back, in Good practice)"),
    (" (see sli conflicts list)", " (see Sync conflicts)"),
    (" (sli restore FILE --force)", " (File ▸ Restore from a backup…)"),
    ("; create one with 'sli init'", ""),
)


def for_window(message: str) -> str:
    """A service's message as the window says it: where in the window, not which command."""
    for cli, window in WINDOW_HINTS:
        message = message.replace(cli, window)
    return message


def not_attached(name: str, exc: BaseException) -> str:
    """Why the document ``name`` was not attached: the vault's own sentence when it has one,
    else the file and the kind of failure (a board's terms and an assessment alike)."""
    if isinstance(exc, VaultError):
        return str(exc)
    return f"{name} could not be attached ({type(exc).__name__})."
