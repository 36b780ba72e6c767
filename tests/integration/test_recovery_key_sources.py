"""Issue #20 item 11: the recovery key comes from the environment, a file or a prompt, never only
the command line (where others read it in the process list); item 12 at the CLI: easily guessed
passphrases are refused by `sli init`, `sli vault recover` and `sli restore`."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sli_desktop.vault.errors import WrongPassphrase
from sli_desktop.vault.header import header_path
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.session import create_vault, unlock
from tests.conftest import PASSPHRASE, CliResult

Cli = Callable[..., CliResult]
SLI = Path(sys.executable).with_name("sli")
NEW = "a brand new passphrase after recovery"
WARNING = "sli: warning: a recovery key typed after --recovery-key can be read by anyone"


@pytest.fixture
def recovery(vault_path: Path) -> str:
    created = create_vault(vault_path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    created.vault.close()
    return created.recovery_key


@pytest.fixture
def recover_env(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """No passphrase to unlock with (recovery is for a forgotten one); the new one given."""
    monkeypatch.delenv("SLI_PASSPHRASE")
    monkeypatch.delenv("SLI_RECOVERY_KEY", raising=False)
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", NEW)


def _opens_with_new_only(path: Path) -> None:
    unlock(path, NEW).close()
    with pytest.raises(WrongPassphrase):
        unlock(path, PASSPHRASE)


def _one_sentence(result: CliResult) -> str:
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sli: "), result.err
    assert "Traceback" not in result.err
    return lines[0][len("sli: ") :]


# -- sli vault recover ---------------------------------------------------------------------------
@pytest.mark.usefixtures("recover_env")
def test_recover_takes_the_key_from_the_environment(
    cli: Cli, vault_path: Path, recovery: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLI_RECOVERY_KEY", recovery)
    result = cli("vault", "recover")
    assert result.code == 0 and result.err == "", result
    assert "new passphrase" in result.out
    _opens_with_new_only(vault_path)


@pytest.mark.usefixtures("recover_env")
def test_recover_takes_the_key_from_a_file(
    cli: Cli, vault_path: Path, recovery: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"  {recovery.lower()}  \n")
    result = cli("vault", "recover", "--recovery-key-file", str(key_file))
    assert result.code == 0 and result.err == "", result
    _opens_with_new_only(vault_path)


@pytest.mark.usefixtures("recover_env")
def test_recover_still_takes_the_key_as_an_argument_but_warns(
    cli: Cli, vault_path: Path, recovery: str
) -> None:
    result = cli("vault", "recover", "--recovery-key", recovery)
    assert result.code == 0, result
    assert result.err.startswith(WARNING) and result.err.count("\n") == 1, result.err
    assert "SLI_RECOVERY_KEY, --recovery-key-file or the prompt" in result.err
    _opens_with_new_only(vault_path)


@pytest.mark.usefixtures("recover_env")
def test_recover_without_a_key_or_a_terminal_says_how_to_give_one(
    cli: Cli, vault_path: Path, recovery: str
) -> None:
    before = header_path(vault_path).read_bytes()
    assert _one_sentence(cli("vault", "recover")) == (
        "a recovery key is needed: set SLI_RECOVERY_KEY, use --recovery-key-file, "
        "or run in a terminal"
    )
    assert header_path(vault_path).read_bytes() == before


def test_a_wrong_key_is_refused_before_a_new_passphrase_is_asked_for(
    cli: Cli, vault_path: Path, recovery: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No new passphrase is given and there is no terminal: the wrong key is what is reported."""
    monkeypatch.delenv("SLI_PASSPHRASE")
    before = header_path(vault_path).read_bytes()
    monkeypatch.setenv("SLI_RECOVERY_KEY", "ABCD-EFGH-IJKL")
    assert _one_sentence(cli("vault", "recover")) == "that recovery key does not open this vault"
    other = tmp_path / "other.sli"
    other_key = create_vault(other, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    other_key.vault.close()
    monkeypatch.setenv("SLI_RECOVERY_KEY", other_key.recovery_key)
    assert _one_sentence(cli("vault", "recover")) == "that recovery key does not open this vault"
    monkeypatch.setenv("SLI_RECOVERY_KEY", recovery)
    assert _one_sentence(cli("vault", "recover")) == (
        "a new passphrase is needed: set SLI_NEW_PASSPHRASE, use --new-passphrase-file, "
        "or run in a terminal"
    )
    assert header_path(vault_path).read_bytes() == before
    unlock(vault_path, PASSPHRASE).close()


@pytest.mark.usefixtures("recover_env")
def test_a_key_file_that_cannot_serve_is_one_sentence(
    cli: Cli, vault_path: Path, recovery: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.txt"
    assert _one_sentence(cli("vault", "recover", "--recovery-key-file", str(missing))) == (
        f"recovery key file {missing} does not exist"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    assert _one_sentence(cli("vault", "recover", "--recovery-key-file", str(empty))) == (
        f"recovery key file {empty} is empty"
    )
    key_file = tmp_path / "key.txt"
    key_file.write_text(recovery)
    both = cli("vault", "recover", "--recovery-key-file", str(key_file), "--recovery-key", "X")
    assert _one_sentence(both) == (
        "give the recovery key one way: a file or --recovery-key, not both"
    )
    unlock(vault_path, PASSPHRASE).close()


@pytest.mark.usefixtures("recover_env")
def test_recover_refuses_an_easily_guessed_new_passphrase(
    cli: Cli, vault_path: Path, recovery: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = header_path(vault_path).read_bytes()
    monkeypatch.setenv("SLI_RECOVERY_KEY", recovery)
    for weak in ("password12", "1234567890"):
        monkeypatch.setenv("SLI_NEW_PASSPHRASE", weak)
        assert _one_sentence(cli("vault", "recover")) == (
            "the passphrase is too easy to guess because it is a common password; "
            "add another word or two (unusual words are best)"
        )
    assert header_path(vault_path).read_bytes() == before


def test_init_refuses_an_easily_guessed_passphrase(
    cli: Cli, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLI_PASSPHRASE", "password12")
    message = _one_sentence(cli("init", "--name", "Asha Patel"))
    assert message.startswith("the passphrase is too easy to guess because it is a common")
    assert not vault_path.exists() and not header_path(vault_path).exists()


# -- sli restore --recovery-key ------------------------------------------------------------------
def test_restore_takes_the_recovery_key_from_a_file(
    cli: Cli, vault_path: Path, recovery: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "b.sli-backup"
    assert cli("backup", "-o", str(out)).code == 0
    target = tmp_path / "new-laptop" / "v.sli"
    monkeypatch.delenv("SLI_PASSPHRASE")
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", NEW)
    missing = tmp_path / "no-key.txt"
    refused = cli("--vault", str(target), "restore", str(out), "--recovery-key-file", str(missing))
    assert _one_sentence(refused) == f"recovery key file {missing} does not exist"
    assert not target.exists()
    key_file = tmp_path / "key.txt"
    key_file.write_text(recovery + "\n")
    done = cli("--vault", str(target), "restore", str(out), "--recovery-key-file", str(key_file))
    assert done.code == 0 and done.err == "", done
    unlock(target, NEW).close()


def test_restore_with_the_key_as_an_argument_warns(
    cli: Cli, recovery: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "b.sli-backup"
    assert cli("backup", "-o", str(out)).code == 0
    target = tmp_path / "new-laptop" / "v.sli"
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", NEW)
    done = cli("--vault", str(target), "restore", str(out), "--recovery-key", recovery)
    assert done.code == 0, done
    assert done.err.startswith(WARNING)
    unlock(target, NEW).close()


# -- the prompt, in a real terminal ---------------------------------------------------------------
class Terminal:
    """`sli` run for real on a pseudo-terminal, as a person at a keyboard would run it."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()

        def controlling_terminal() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [str(SLI), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=controlling_terminal,  # getpass reads the controlling terminal
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; saw {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                assert chunk, f"sli ended before {text!r}; saw {self.seen!r}"
                self.seen += chunk.decode("utf-8", "replace")

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def finish(self) -> int:
        code = self.process.wait(timeout=120)
        try:
            while chunk := os.read(self.master, 4096):
                self.seen += chunk.decode("utf-8", "replace")
        except OSError:
            pass
        os.close(self.master)
        return code


def _terminal_env(vault_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLI_")}
    env.update(SLI_VAULT=str(vault_path), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def test_recover_asks_for_the_key_in_a_terminal(vault_path: Path, recovery: str) -> None:
    assert SLI.exists(), f"the sli command is not installed at {SLI}"
    term = Terminal(["vault", "recover"], _terminal_env(vault_path))
    term.expect("Recovery key: ")
    term.type(recovery)
    term.expect("New passphrase: ")
    term.type(NEW)
    term.expect("Repeat the new passphrase: ")
    term.type(NEW)
    assert term.finish() == 0, term.seen
    assert "The vault is open again with the new passphrase." in term.seen
    assert recovery not in term.seen and NEW not in term.seen  # nothing echoed
    _opens_with_new_only(vault_path)


def test_a_wrong_key_at_the_prompt_is_one_sentence(vault_path: Path, recovery: str) -> None:
    before = header_path(vault_path).read_bytes()
    term = Terminal(["vault", "recover"], _terminal_env(vault_path))
    term.expect("Recovery key: ")
    term.type("ABCD-EFGH-IJKL-MNOP")
    assert term.finish() == 2
    assert term.seen.strip().endswith("sli: that recovery key does not open this vault")
    assert "New passphrase" not in term.seen and "Traceback" not in term.seen
    assert header_path(vault_path).read_bytes() == before
