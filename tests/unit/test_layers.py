"""The architecture's rules, enforced: services import no Qt, only vault imports sqlcipher3,
and the server shares only domain and the sync protocol with the client."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sli_desktop"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            found.add(base)
    return found


def _modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_rules(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    imports = _imports(path)
    in_gui = rel.startswith("gui/")
    if not in_gui:
        qt = sorted(i for i in imports if i.startswith(("PySide6", "sli_desktop.gui")))
        assert not qt, f"{rel} imports Qt or the GUI: {qt}"
    if not rel.startswith("vault/"):
        assert not any(i.startswith("sqlcipher3") for i in imports), f"{rel} imports sqlcipher3"
    if in_gui:
        assert not any(i.startswith("sli_desktop.cli") for i in imports), (
            f"{rel}: the GUI and the CLI are siblings over the services"
        )
        assert not any(i.startswith(("sqlite3", "sqlcipher3")) for i in imports), rel
    if rel.startswith("domain/"):
        bad = sorted(
            i
            for i in imports
            if i.startswith("sli_desktop.") and not i.startswith("sli_desktop.domain")
        )
        assert not bad, f"the domain depends on {bad}"


def _imported_names(path: Path) -> set[str]:
    """Like ``_imports``, but ``from X import y`` gives ``X.y`` (y may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


SERVER_MAY_USE = ("sli_desktop.domain", "sli_desktop.sync.protocol", "sli_desktop.server")


@pytest.mark.parametrize("path", _modules("server"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_server_shares_only_domain_and_the_sync_protocol(path: Path) -> None:
    ours = {i for i in _imported_names(path) if i.startswith("sli_desktop.")}
    bad = sorted(
        i for i in ours if not i.startswith(SERVER_MAY_USE) and i != "sli_desktop.__version__"
    )
    assert not bad, f"{path.relative_to(PACKAGE)} imports client code: {bad}"


def test_the_sync_package_imports_nothing_on_its_own() -> None:
    """The server imports sli_desktop.sync.protocol; the package must not drag in the client."""
    assert not _imports(PACKAGE / "sync" / "__init__.py")
    assert not {
        i for i in _imports(PACKAGE / "sync" / "protocol.py") if i.startswith("sli_desktop")
    }


# -- no SQL in the front ends -----------------------------------------------------------------
#: Words that begin an SQL statement worth catching. BEGIN, COMMIT, ANALYZE and the like are
#: left out: alone they are complete statements and also plain English labels.
SQL_WORDS = re.compile(
    r"\b(select|insert|update|delete|create|drop|alter|pragma|replace|with|attach|detach|vacuum)\b",
    re.IGNORECASE,
)
#: What SQLite says when text is not SQL at all; any other answer (or none) means it parsed.
NOT_SQL = ("syntax error", "incomplete input", "unrecognized token")
#: Calls that run SQL, whatever they are called on: the front ends ask services instead.
SQL_CALLS = {"execute", "executemany", "executescript", "scalar", "query"}


def looks_like_sql(text: str) -> bool:
    """True when SQLite's own parser accepts the text from one of SQL_WORDS onwards, so
    "Update the note" or "select a file" are English and "PRAGMA user_version" or "select
    count(*) from notes where deleted = 0" are SQL. EXPLAIN compiles without running."""
    conn = sqlite3.connect(":memory:")
    try:
        for match in SQL_WORDS.finditer(text):
            candidate = text[match.start() :].strip()
            if len(candidate.split()) < 2:
                continue
            try:
                conn.execute(f"EXPLAIN {candidate}")
            except sqlite3.Warning:  # more than one statement: it parsed
                return True
            except sqlite3.Error as exc:
                if not any(words in str(exc) for words in NOT_SQL) and not _english(str(exc)):
                    return True
            else:
                return True
        return False
    finally:
        conn.close()


#: Words SQLite takes for a table or column name when the text was an English sentence:
#: "Select a council from the list" parses, but names a column "a" and a table "the".
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "your", "my", "our", "it"}


def _english(error: str) -> bool:
    """SQLite parsed the text and then looked for a table or column named like a determiner."""
    name = error.rpartition(": ")[2].strip().lower()
    return error.startswith(("no such column", "no such table")) and name in DETERMINERS


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings: prose about SQL is allowed."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal with its line; an f-string reads with ``x`` for each placeholder."""
    skip = _docstrings(tree)
    inside_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "x" for part in node.values
            )
            found.append((node.lineno, text))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip | inside_fstrings
        ):
            found.append((node.lineno, node.value))
    return found


def sql_leaks(source: str) -> list[str]:
    """Where a front-end module holds SQL or runs it: "line N: ..." each."""
    tree = ast.parse(source)
    leaks = [f"line {line}: SQL {text!r}" for line, text in _literals(tree) if looks_like_sql(text)]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        given_sql = bool(node.args) and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        if name.startswith("execute") or (name in SQL_CALLS and given_sql):
            leaks.append(f"line {node.lineno}: .{name}() runs SQL")
    return sorted(set(leaks))


@pytest.mark.parametrize(
    "path", _modules("cli") + _modules("gui"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_the_front_ends_hold_no_sql(path: Path) -> None:
    """SQL and PRAGMAs belong to vault/ (and the server): the CLI and the window ask services."""
    leaks = sql_leaks(path.read_text(encoding="utf-8"))
    assert not leaks, f"{path.relative_to(PACKAGE)}: {leaks}"


@pytest.mark.parametrize(
    "text",
    [
        "PRAGMA cipher_integrity_check",
        "pragma user_version",
        "SELECT count(*) FROM notes WHERE deleted = 0",
        "select id, title from notes order by date desc limit 5",
        "INSERT INTO audit(at, actor) VALUES (?, ?)",
        "update notes set title = ? where id = ?",
        "DELETE FROM outbox",
        "CREATE TABLE IF NOT EXISTS t (a INTEGER PRIMARY KEY)",
        "the vault ran: DROP TRIGGER audit_no_update",
        "WITH due AS (SELECT 1) SELECT * FROM due",
    ],
)
def test_sql_is_recognised_in_any_case(text: str) -> None:
    assert looks_like_sql(text)


@pytest.mark.parametrize(
    "text",
    [
        "Update",
        "Delete this note?",
        "Select a council",
        "Select a council from the list",
        "select the notes to export",
        "Create a new vault",
        "update the note and sync it",
        "The sync will update your vault; deleted records stay deleted.",
        "Replace the file?",
        "with --keep merged: keep the text in file F",
        "Drop the draft",
        "Alter the briefing's marking",
        "&Delete…",
    ],
)
def test_plain_words_are_not_sql(text: str) -> None:
    assert not looks_like_sql(text)


def test_a_front_end_that_runs_a_pragma_is_caught() -> None:
    leak = 'def f(vault):\n    return vault.scalar("PRAGMA cipher_version")\n'
    assert sql_leaks(leak) == [
        "line 2: .scalar() runs SQL",
        "line 2: SQL 'PRAGMA cipher_version'",
    ]
    counted = 'def f(vault, t):\n    return vault.scalar(f"select count(*) from {t}")\n'
    assert len(sql_leaks(counted)) == 2
    assert sql_leaks("def f(conn):\n    conn.execute(statement)\n") == [
        "line 2: .execute() runs SQL"
    ]


# -- modules meet through public names ----------------------------------------------------------
def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_reaches(source: str) -> list[str]:
    """Where a module takes another sli_desktop module's private name: ``from .m import _x``,
    or ``m._x`` on a module or class imported from the package. A name used across modules is
    public, or it belongs where it is used."""
    tree = ast.parse(source)
    ours: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("sli_desktop")
        ):
            for alias in node.names:
                ours.add(alias.asname or alias.name)
                if _private(alias.name):
                    found.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Import):
            ours.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if alias.name.startswith("sli_desktop")
            )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in ours
        ):
            found.append(f"line {node.lineno}: uses {node.value.id}.{node.attr}")
    return sorted(found)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_name_crosses_a_module(path: Path) -> None:
    reaches = private_reaches(path.read_text(encoding="utf-8"))
    assert not reaches, f"{path.relative_to(PACKAGE)}: {reaches}"


def test_a_private_name_taken_from_another_module_is_caught() -> None:
    source = (
        "from . import session\n"
        "from .records import Record, _domain_error\n"
        "from sli_desktop.sync import push as p\n"
        "session._open(1)\n"
        "p._covered([])\n"
        "Record._fields\n"
        "self._ok = other.__class__\n"
    )
    assert private_reaches(source) == [
        "line 2: imports _domain_error",
        "line 4: uses session._open",
        "line 5: uses p._covered",
        "line 6: uses Record._fields",
    ]


@pytest.mark.parametrize("path", _modules("cli"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_cli_commands_do_not_import_each_other(path: Path) -> None:
    """Helpers two commands share live in cli/args.py (or context/output), not in a command;
    only cli/app.py, which registers every command, imports them."""
    if path.name == "app.py":
        return
    itself = f"sli_desktop.cli.{path.stem}"
    siblings = sorted(
        i
        for i in _imported_names(path)
        if i.startswith("sli_desktop.cli.cmd_") and not i.startswith(f"{itself}.")
    )
    assert not siblings, f"{path.relative_to(PACKAGE)} imports {siblings}"
