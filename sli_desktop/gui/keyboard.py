"""Alt letters chosen so that each is used once in a menu (issue 22: mnemonics unique per
window, and every view reachable from the keyboard even past Ctrl+9)."""

from __future__ import annotations

from collections.abc import Iterable


def with_mnemonics(labels: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Each label with ``&`` before its first letter not yet used (words' first letters
    preferred); a label with no free letter is left without one."""
    used = {letter.lower() for letter in taken}
    marked = []
    for label in labels:
        starts = [i for i, c in enumerate(label) if c.isalpha() and (i == 0 or label[i - 1] == " ")]
        rest = [i for i, c in enumerate(label) if c.isalpha() and i not in starts]
        chosen = next((i for i in [*starts, *rest] if label[i].lower() not in used), None)
        if chosen is None:
            marked.append(label.replace("&", "&&"))
            continue
        used.add(label[chosen].lower())
        escaped = label.replace("&", "&&")
        at = chosen + label[:chosen].count("&")
        marked.append(escaped[:at] + "&" + escaped[at:])
    return marked
