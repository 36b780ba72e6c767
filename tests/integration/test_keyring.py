"""Remembering the vault key on this device, in the real OS keyring: a Secret Service.

The real ``sli`` runs in a subprocess with no PYTHON_KEYRING_BACKEND override, so it finds
the keyring the way a user's does. The keyring must be usable: .ci/run starts gnome-keyring
under a private D-Bus session. Without one these tests skip with the reason, except when CI
is set, where they fail: in CI a keyring must be there.

Every entry a test writes under the "sli-desktop" service is deleted afterwards; entries it
did not write (a developer's real vaults) are never touched.

The broken-keyring tests bring their own broken backend and need no real keyring.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import keyring.backend
import keyring.core
import keyring.errors
import pytest

from sli_desktop.vault import keys, session
from sli_desktop.vault.header import read_header
from sli_desktop.vault.keystore import SERVICE, SystemKeyStore

pytestmark = pytest.mark.keyring

RECIPE = (
    "dbus-run-session -- bash -c 'export XDG_DATA_HOME=$(mktemp -d); "
    'eval "$(printf sli-ci | gnome-keyring-daemon --unlock --components=secrets)"; '
    "make test' (what .ci/run does)"
)
PASSPHRASE_NEEDED = "sli: a passphrase is needed"
HANG_GUARD = 120  # seconds: a hung keyring or prompt fails the test instead of the suite


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _no_keyring(reason: str) -> None:
    message = f"no usable OS keyring ({reason})"
    if _in_ci():
        pytest.fail(f"{message}, and CI is set, so there must be one. Run: {RECIPE}")
    pytest.skip(f"{message}; start one with .ci/run's recipe or run .ci/run")


def _probe() -> str | None:
    """None if the keyring the CLI would pick stores, returns and deletes a secret."""
    try:
        store = SystemKeyStore()
    except Exception as exc:  # noqa: BLE001 - any failure means "no usable keyring", said why
        return f"the keyring library failed to start ({type(exc).__name__}: {exc})"
    backend = keyring.get_keyring()
    if not store.available:
        return f"the backend is {type(backend).__module__}.{type(backend).__name__}"
    name = f"sli-test-probe-{uuid.uuid4().hex}"
    secret = uuid.uuid4().hex
    try:
        backend.set_password(SERVICE, name, secret)
        try:
            got = backend.get_password(SERVICE, name)
        finally:
            backend.delete_password(SERVICE, name)
        gone = backend.get_password(SERVICE, name)
    except Exception as exc:  # noqa: BLE001 - likewise
        return f"{store.where} failed a round trip ({type(exc).__name__}: {exc})"
    if got != secret:
        return f"{store.where} returned something else than was stored"
    if gone is not None:
        return f"{store.where} still returns a deleted secret"
    return None


@dataclass
class RealKeyring:
    """The OS keyring as the CLI sees it, and the vault ids to clean up after the test."""

    store: SystemKeyStore
    backend: keyring.backend.KeyringBackend
    touched: set[str] = field(default_factory=set)

    def vault_id(self, vault: Path) -> str:
        vault_id = read_header(vault).vault_id
        self.touched.add(vault_id)
        return vault_id

    def secret(self, vault: Path) -> str | None:
        return self.backend.get_password(SERVICE, self.vault_id(vault))

    def plant(self, vault: Path, secret: str) -> None:
        self.backend.set_password(SERVICE, self.vault_id(vault), secret)

    def clean(self, folder: Path) -> list[str]:
        """Delete what this test stored: under any vault made in ``folder``, or looked at."""
        for header in folder.rglob("*.sli.header"):
            with contextlib.suppress(Exception):  # a vault the test broke on purpose
                self.vault_id(header.with_name(header.name.removesuffix(".header")))
        left = []
        for name in sorted(self.touched):
            with contextlib.suppress(keyring.errors.PasswordDeleteError):  # none: fine
                self.backend.delete_password(SERVICE, name)
            if self.backend.get_password(SERVICE, name) is not None:
                left.append(name)
        return left


@pytest.fixture
def real_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[RealKeyring]:
    """The real OS keyring, in this process and in the ``sli`` subprocesses; skip or fail."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)  # undo the conftest's null
    previous = keyring.get_keyring()
    keyring.core.init_backend()  # choose again, as a fresh process would, without the override
    try:
        problem = _probe()
        if problem is not None:
            _no_keyring(problem)
        real = RealKeyring(SystemKeyStore(), keyring.get_keyring())
        yield real
        left = real.clean(tmp_path)
        assert not left, f"keyring entries left behind under {SERVICE!r}: {left}"
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def passphrase() -> str:
    """Unique per test, so a search of the whole keyring for it cannot hit anything else."""
    return f"sli keyring test {uuid.uuid4().hex[:12]}"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return self.err.strip().splitlines()


def _sli_command() -> list[str]:
    script = Path(sys.executable).with_name("sli")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from sli_desktop.cli.app import run; run()"]


def _sli_env(vault: Path, passphrase: str | None, env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment (so its keyring), no SLI_* but the vault and passphrase."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SLI_")}
    environ["SLI_VAULT"] = str(vault)
    if passphrase is not None:
        environ["SLI_PASSPHRASE"] = passphrase
    environ.update(env or {})
    return environ


def sli(
    vault: Path, *args: str, passphrase: str | None = None, env: dict[str, str] | None = None
) -> Run:
    """The installed ``sli`` in a subprocess with no tty, given only ``passphrase``."""
    done = subprocess.run(
        [*_sli_command(), *args],
        env=_sli_env(vault, passphrase, env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
        start_new_session=True,  # no controlling terminal: it can never prompt on ours
    )
    return Run(done.returncode, done.stdout, done.stderr)


def sli_in_terminal(vault: Path, *args: str, typed: str, prompt: bytes) -> Run:
    """``sli`` with a pseudo-terminal as stdin: ``typed`` is entered once ``prompt`` shows.

    Not before: getpass flushes pending input when it turns echo off.
    """
    controller, terminal = os.openpty()
    proc = subprocess.Popen(
        [*_sli_command(), *args],
        env=_sli_env(vault, None, None),
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # no controlling terminal: getpass falls back to stdin
    )
    try:
        assert proc.stderr is not None
        err = _read_until(proc.stderr.fileno(), prompt)
        os.write(controller, f"{typed}\n".encode())
        out, rest = proc.communicate(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(terminal)
        os.close(controller)
    return Run(proc.returncode, out.decode(), (err + rest).decode())


def _read_until(fd: int, wanted: bytes) -> bytes:
    seen = b""
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], HANG_GUARD)
        chunk = os.read(fd, 4096) if ready else b""
        if not chunk:
            raise AssertionError(f"no {wanted!r} prompt; stderr so far: {seen!r}")
        seen += chunk
    return seen


def assert_clean_failure(run: Run) -> None:
    """A user-fixable problem: exit 2, one-line messages, never a traceback."""
    assert run.code == 2, run
    assert "Traceback" not in run.err, run.err
    assert run.lines(), "no message at all"
    assert all(line.startswith("sli: ") for line in run.lines()), run.err


def assert_asks_for_passphrase(run: Run) -> None:
    assert_clean_failure(run)
    assert run.lines()[-1].startswith(PASSPHRASE_NEEDED), run.err


def init(vault: Path, passphrase: str, *extra: str) -> dict[str, object]:
    run = sli(vault, "init", "--name", "Asha Patel", "--json", *extra, passphrase=passphrase)
    assert run.code == 0, run
    assert "Traceback" not in run.err, run.err
    created: dict[str, object] = json.loads(run.out)
    return created


def _secrets_holding(text: str) -> list[str]:
    """Labels of every Secret Service item under our service whose secret contains ``text``."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        hits = []
        for item in secretstorage.search_items(connection, {"service": SERVICE}):
            if item.is_locked():
                continue
            if text.encode() in item.get_secret():
                hits.append(item.get_label())
        return hits
    finally:
        connection.close()


# --------------------------------------------------------------------------- the real keyring


def test_init_remember_keeps_the_hex_key_and_later_commands_need_no_passphrase(
    real_keyring: RealKeyring, vault_path: Path, passphrase: str
) -> None:
    created = init(vault_path, passphrase, "--remember")
    assert created["remembered"] is True

    secret = real_keyring.secret(vault_path)
    assert secret is not None, "init --remember stored nothing in the keyring"
    assert len(secret) == 2 * keys.KEY_BYTES
    assert all(c in "0123456789abcdef" for c in secret), secret
    assert read_header(vault_path).matches(bytes.fromhex(secret))
    assert passphrase not in secret
    if type(real_keyring.backend).__module__.endswith("SecretService"):
        assert _secrets_holding(passphrase) == [], "the passphrase itself is in the keyring"

    # No passphrase from here on: no SLI_PASSPHRASE, no file, no tty.
    notes = sli(vault_path, "note", "list", "--json")
    assert notes.code == 0, notes
    assert json.loads(notes.out) == []
    councils = sli(vault_path, "council", "list", "--json")
    assert councils.code == 0, councils
    assert json.loads(councils.out) == []
    info = sli(vault_path, "vault", "info", "--json")
    assert info.code == 0, info
    assert json.loads(info.out)["vault_id"] == real_keyring.vault_id(vault_path)
    for run in (notes, councils, info):
        assert run.err == "", run.err


def test_vault_remember_after_init_then_unlocks_without_passphrase(
    real_keyring: RealKeyring, vault_path: Path, passphrase: str
) -> None:
    created = init(vault_path, passphrase)
    assert created["remembered"] is False
    assert real_keyring.secret(vault_path) is None
    assert_asks_for_passphrase(sli(vault_path, "note", "list"))

    remembered = sli(vault_path, "vault", "remember", passphrase=passphrase)
    assert remembered.code == 0, remembered
    secret = real_keyring.secret(vault_path)
    assert secret is not None
    assert read_header(vault_path).matches(bytes.fromhex(secret))

    notes = sli(vault_path, "note", "list", "--json")
    assert notes.code == 0, notes
    assert json.loads(notes.out) == []


def test_forget_removes_the_key_and_a_passphrase_is_needed_again(
    real_keyring: RealKeyring, vault_path: Path, passphrase: str
) -> None:
    init(vault_path, passphrase, "--remember")
    assert real_keyring.secret(vault_path) is not None

    forgot = sli(vault_path, "vault", "forget")
    assert forgot.code == 0, forgot
    assert real_keyring.secret(vault_path) is None

    for command in (("note", "list"), ("council", "list")):
        refused = sli(vault_path, *command)
        assert_asks_for_passphrase(refused)
        assert len(refused.lines()) == 1, refused.err
        assert refused.out == ""

    opened = sli(vault_path, "note", "list", "--json", passphrase=passphrase)
    assert opened.code == 0, opened
    assert real_keyring.secret(vault_path) is None, "a passphrase unlock must not re-remember"


def _other_vaults_key(tmp_path: Path) -> str:
    other = tmp_path / "other" / "other.sli"
    created = session.create_vault(
        other, "another vault's passphrase", kdf=keys.KdfParams.fast_for_tests()
    )
    created.vault.close()
    store = _CapturingStore()
    assert session.remember(other, "another vault's passphrase", store)
    return store.secret


class _CapturingStore:
    available = True
    where = "capture"
    secret = ""

    def get(self, name: str) -> str | None:
        return None

    def set(self, name: str, secret: str) -> bool:
        self.secret = secret
        return True

    def delete(self, name: str) -> None:
        pass


STALE = {
    "another vault's key": None,  # filled in per test: a real key, for the wrong vault
    "a random 32-byte key": "random",
    "not hex": "this is not a key at all",
    "short hex": "deadbeef",
    "hex of the wrong length": "ab" * (keys.KEY_BYTES + 1),
}


@pytest.mark.parametrize("kind", list(STALE))
def test_a_stale_entry_is_ignored_and_the_passphrase_still_opens(
    real_keyring: RealKeyring, vault_path: Path, tmp_path: Path, passphrase: str, kind: str
) -> None:
    init(vault_path, passphrase)
    stale = STALE[kind]
    if stale is None:
        stale = _other_vaults_key(tmp_path)
    elif stale == "random":
        stale = os.urandom(keys.KEY_BYTES).hex()
    real_keyring.plant(vault_path, stale)
    assert real_keyring.secret(vault_path) == stale

    # In process, through the same SystemKeyStore the app uses.
    with pytest.raises(session.PassphraseNeeded):
        session.unlock(vault_path, keystore=real_keyring.store)
    session.unlock(vault_path, passphrase, keystore=real_keyring.store).close()

    # The real CLI: the stale key is not used and does not crash; it asks for the passphrase.
    refused = sli(vault_path, "note", "list")
    assert_asks_for_passphrase(refused)
    assert len(refused.lines()) == 1, refused.err

    opened = sli(vault_path, "note", "list", "--json", passphrase=passphrase)
    assert opened.code == 0, opened
    assert json.loads(opened.out) == []


def test_a_stale_entry_falls_back_to_the_passphrase_prompt_in_a_terminal(
    real_keyring: RealKeyring, vault_path: Path, tmp_path: Path, passphrase: str
) -> None:
    """The whole interactive path: keyring consulted, wrong key rejected, prompt, opened."""
    init(vault_path, passphrase)
    real_keyring.plant(vault_path, _other_vaults_key(tmp_path))

    run = sli_in_terminal(
        vault_path, "vault", "info", "--json", typed=passphrase, prompt=b"Passphrase for"
    )
    assert run.code == 0, run
    assert json.loads(run.out)["vault_id"] == real_keyring.vault_id(vault_path)
    assert "Passphrase for" in run.err
    assert "Traceback" not in run.err


def test_the_keyring_going_away_after_remember_does_not_lock_the_user_out(
    real_keyring: RealKeyring, vault_path: Path, tmp_path: Path, passphrase: str
) -> None:
    init(vault_path, passphrase, "--remember")
    assert real_keyring.secret(vault_path) is not None
    gone = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'no-such-bus'}"}

    assert_asks_for_passphrase(sli(vault_path, "note", "list", env=gone))
    opened = sli(vault_path, "note", "list", "--json", passphrase=passphrase, env=gone)
    assert opened.code == 0, opened
    assert "Traceback" not in opened.err
    # A forced Secret Service backend that cannot reach D-Bus: the same.
    forced = {**gone, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
    assert_asks_for_passphrase(sli(vault_path, "note", "list", env=forced))
    opened = sli(vault_path, "note", "list", "--json", passphrase=passphrase, env=forced)
    assert opened.code == 0, opened


# --------------------------------------------------------------------------- a broken keyring

BROKEN_BACKENDS = '''
"""Keyring backends that misbehave on purpose, loaded with PYTHON_KEYRING_BACKEND."""
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError


class Raises(KeyringBackend):
    """Claims to be a fine keyring, then fails every call the way a keyring can."""
    priority = 1

    def get_password(self, service, username):
        raise KeyringError("broken on purpose")

    def set_password(self, service, username, password):
        raise KeyringError("broken on purpose")

    def delete_password(self, service, username):
        raise KeyringError("broken on purpose")


class Crashes(Raises):
    """Fails with something that is not a keyring error at all."""

    def get_password(self, service, username):
        raise RuntimeError("D-Bus went away")

    def set_password(self, service, username, password):
        raise OSError("D-Bus went away")

    def delete_password(self, service, username):
        raise ValueError("D-Bus went away")


class Garbage(KeyringBackend):
    """Answers, but with the wrong types."""
    priority = 1

    def get_password(self, service, username):
        return b"\\x00" * 32

    def set_password(self, service, username, password):
        return None

    def delete_password(self, service, username):
        return None


class WontStart(Raises):
    def __init__(self):
        raise RuntimeError("cannot start")
'''


@pytest.fixture
def broken_keyring(tmp_path: Path) -> dict[str, str]:
    """Environment for ``sli`` that loads a broken backend module from tmp_path."""
    folder = tmp_path / "broken_keyrings"
    folder.mkdir()
    (folder / "sli_broken_keyring.py").write_text(BROKEN_BACKENDS, encoding="utf-8")
    paths: Sequence[str] = [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"PYTHONPATH": os.pathsep.join(paths)}


@pytest.mark.parametrize("backend", ["Raises", "Crashes", "Garbage", "WontStart"])
def test_a_broken_keyring_never_locks_the_user_out(
    broken_keyring: dict[str, str], vault_path: Path, passphrase: str, backend: str
) -> None:
    init(vault_path, passphrase)
    env = {**broken_keyring, "PYTHON_KEYRING_BACKEND": f"sli_broken_keyring.{backend}"}

    assert_asks_for_passphrase(sli(vault_path, "note", "list", env=env))
    opened = sli(vault_path, "note", "list", "--json", passphrase=passphrase, env=env)
    assert opened.code == 0, opened
    assert json.loads(opened.out) == []
    assert "Traceback" not in opened.err

    forgot = sli(vault_path, "vault", "forget", env=env)
    assert forgot.code == 0, forgot
    assert "Traceback" not in forgot.err

    remembered = sli(vault_path, "vault", "remember", passphrase=passphrase, env=env)
    if backend == "Garbage":  # it accepts the write; reading back is what it gets wrong
        assert remembered.code == 0, remembered
    else:
        assert_clean_failure(remembered)


@pytest.mark.parametrize("backend", ["Raises", "Crashes"])
def test_init_remember_with_a_failing_keyring_still_makes_a_usable_vault(
    broken_keyring: dict[str, str], vault_path: Path, passphrase: str, backend: str
) -> None:
    env = {**broken_keyring, "PYTHON_KEYRING_BACKEND": f"sli_broken_keyring.{backend}"}
    run = sli(
        vault_path,
        "init",
        "--name",
        "Asha Patel",
        "--remember",
        "--json",
        passphrase=passphrase,
        env=env,
    )
    assert run.code == 0, run
    assert json.loads(run.out)["remembered"] is False
    assert "Traceback" not in run.err
    opened = sli(vault_path, "note", "list", "--json", passphrase=passphrase, env=env)
    assert opened.code == 0, opened


def test_init_remember_without_a_keyring_creates_nothing(
    broken_keyring: dict[str, str], vault_path: Path, passphrase: str
) -> None:
    env = {**broken_keyring, "PYTHON_KEYRING_BACKEND": "sli_broken_keyring.WontStart"}
    run = sli(
        vault_path, "init", "--name", "Asha Patel", "--remember", passphrase=passphrase, env=env
    )
    assert_clean_failure(run)
    assert "no OS keyring is available" in run.err
    assert not vault_path.exists()
