"""Issue #27: each platform service, on Linux for real and on Windows and macOS against fakes
of the operating-system calls it makes (ctypes DLLs, ``resource``, ``os.startfile``, the
``open`` command, platformdirs' folder lookups)."""

from __future__ import annotations

import ctypes
import os
import stat
import sys
import time
from pathlib import Path, PureWindowsPath
from typing import Any

import platformdirs
import pytest

from sli_desktop import paths, private_file
from sli_desktop.platform import crash_dumps, keyring_store, kind, locations, opener, owner_only


def test_each_platform_name_belongs_to_its_family() -> None:
    assert [kind(p) for p in ("linux", "win32", "darwin", "freebsd14", "cygwin")] == [
        "posix",
        "windows",
        "macos",
        "posix",
        "posix",
    ]
    assert kind() == kind(sys.platform)


# -- crash dumps ------------------------------------------------------------------------------


class FakeResource:
    """``resource`` as macOS has it: RLIMIT_CORE with a soft and a hard limit."""

    RLIMIT_CORE = 4

    def __init__(self, limit: tuple[int, int] = (1 << 20, 1 << 30), refuse: bool = False) -> None:
        self.limit = limit
        self.refuse = refuse
        self.calls: list[tuple[int, tuple[int, int]]] = []

    def setrlimit(self, which: int, limit: tuple[int, int]) -> None:
        self.calls.append((which, limit))
        if self.refuse:
            raise ValueError("not allowed to raise maximum limit")
        self.limit = limit

    def getrlimit(self, which: int) -> tuple[int, int]:
        assert which == self.RLIMIT_CORE
        return self.limit


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_CORE is POSIX")
def test_posix_sets_the_real_core_limit_in_a_child_process() -> None:
    """The real ``resource`` module through the platform service (the CLI and window paths
    are tests/integration/test_vault_security.py); a child, since a hard 0 is for good."""
    import subprocess

    probe = (
        "from sli_desktop.platform import crash_dumps as c\n"
        "d = c.for_platform(); d.disable()\n"
        "import resource; print(type(d).__name__, d.disabled(),"
        " resource.getrlimit(resource.RLIMIT_CORE))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.split()[:2] == ["CoreLimit", "True"]
    assert out.strip().endswith("(0, 0)")


def test_macos_sets_the_core_limit_to_zero_soft_and_hard() -> None:
    fake = FakeResource()
    dumps = crash_dumps.CoreLimit(resource=fake)
    assert not dumps.disabled()
    dumps.disable()
    assert fake.calls == [(FakeResource.RLIMIT_CORE, (0, 0))]
    assert dumps.disabled()
    assert isinstance(crash_dumps.for_platform("darwin"), crash_dumps.CoreLimit)


def test_a_core_limit_that_cannot_be_set_does_not_stop_the_app() -> None:
    fake = FakeResource(refuse=True)
    crash_dumps.CoreLimit(resource=fake).disable()
    assert fake.calls and not crash_dumps.CoreLimit(resource=fake).disabled()


class FakeKernel32:
    """The kernel32 functions the Windows hardening calls, with Windows' own semantics."""

    def __init__(self, mode: int = 0) -> None:
        self.mode = mode
        self.wer_flags = 0

    def GetErrorMode(self) -> int:
        return self.mode

    def SetErrorMode(self, mode: int) -> int:
        before, self.mode = self.mode, mode
        return before

    def WerSetFlags(self, flags: int) -> int:
        self.wer_flags = flags
        return crash_dumps.S_OK

    def GetCurrentProcess(self) -> int:
        return -1

    def WerGetFlags(self, process: int, flags: Any) -> int:
        assert process == -1
        flags._obj.value = self.wer_flags  # ctypes.byref(c_uint32): write through it
        return crash_dumps.S_OK


class FakeWer:
    def __init__(self) -> None:
        self.excluded: list[tuple[str, int]] = []

    def WerAddExcludedApplication(self, name: ctypes.c_wchar_p, all_users: int) -> int:
        self.excluded.append((str(name.value), all_users))
        return crash_dumps.S_OK


def test_windows_turns_off_the_fault_dialog_and_heap_in_reports() -> None:
    kernel32, wer = FakeKernel32(mode=0x4), FakeWer()
    dumps = crash_dumps.WindowsErrorReporting(kernel32, wer, executable=None)
    assert not dumps.disabled()
    dumps.disable()
    assert kernel32.mode == 0x4 | 0x1 | 0x2 | 0x8000  # kept what was set, added ours
    assert kernel32.wer_flags == crash_dumps.WER_FAULT_REPORTING_FLAG_NOHEAP
    assert dumps.disabled()
    assert wer.excluded == []  # from source: python.exe is never excluded


def test_windows_excludes_the_built_app_from_error_reporting_for_this_user() -> None:
    kernel32, wer = FakeKernel32(), FakeWer()
    exe = Path("C:/Users/ann/AppData/Local/Programs/SLI Desktop/sli-desktop.exe")
    crash_dumps.WindowsErrorReporting(kernel32, wer, executable=exe).disable()
    assert wer.excluded == [("sli-desktop.exe", 0)]


def test_windows_picks_the_executable_only_when_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    dumps = crash_dumps.for_platform("win32")
    assert isinstance(dumps, crash_dumps.WindowsErrorReporting)
    assert dumps._executable is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "C:\\Apps\\SLI\\sli.exe")
    frozen = crash_dumps.for_platform("win32")
    assert isinstance(frozen, crash_dumps.WindowsErrorReporting)
    assert frozen._executable is not None and frozen._executable.name.endswith("sli.exe")


def test_windows_without_the_error_reporting_calls_still_starts() -> None:
    class OldKernel32:
        def GetErrorMode(self) -> int:
            return 0

    dumps = crash_dumps.WindowsErrorReporting(OldKernel32(), FakeWer(), executable=None)
    dumps.disable()
    assert not dumps.disabled()


def test_windows_hardening_on_this_machine() -> None:
    """On Windows, the real kernel32 (in a child: the error mode stays for good); elsewhere,
    the Windows service loads no DLL until asked and fails quietly when there is none."""
    if sys.platform != "win32":
        dumps = crash_dumps.for_platform("win32")  # constructing it touches no DLL
        dumps.disable()  # WinDLL is missing here: an AttributeError, swallowed
        assert not dumps.disabled()
        return
    import subprocess

    probe = (
        "from sli_desktop.platform import crash_dumps as c\n"
        "d = c.for_platform(); before = d.disabled(); d.disable(); print(before, d.disabled())"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


# -- owner-only files -------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_posix_files_and_folders_are_owner_only_whatever_the_umask(
    tmp_path: Path, platform: str
) -> None:
    service = owner_only.for_platform(platform)
    assert isinstance(service, owner_only.PosixModes)
    before = os.umask(0)
    try:
        folder = tmp_path / "made"
        folder.mkdir(0o777)
        service.restrict_folder(folder)
        named = folder / "named"
        named.write_bytes(b"x")
        service.restrict_path(named)
        fd = os.open(folder / "by-fd", os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            service.restrict_file(fd)
        finally:
            os.close(fd)
    finally:
        os.umask(before)
    assert (mode(folder), mode(named), mode(folder / "by-fd")) == (0o700, 0o600, 0o600)


@pytest.fixture
def windows_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The private-file writers as on Windows, with every chmod made to fail: no code path
    may rely on it there (it would only flip the read-only flag)."""
    calls: list[str] = []

    def no_chmod(name: str) -> Any:
        def refuse(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"{name} called on Windows")

        return refuse

    monkeypatch.setattr(private_file, "OWNER_ONLY", owner_only.for_platform("win32"))
    for name in ("chmod", "fchmod", "lchmod"):
        monkeypatch.setattr(os, name, no_chmod(name), raising=False)
    monkeypatch.setattr(Path, "chmod", lambda self, *a, **k: no_chmod("Path.chmod")())
    return calls


def test_windows_writes_private_files_without_chmod(
    windows_files: list[str], tmp_path: Path
) -> None:
    assert isinstance(private_file.OWNER_ONLY, owner_only.ProfileAcl)
    folder = tmp_path / "exports" / "deep"
    private_file.private_folder(folder)
    private_file.write_private(folder / "everything.json", b"{}")
    with private_file.replacing(folder / "contacts.csv") as handle:
        handle.write(b"name\n")
    with private_file.create_private(folder / ".backup.part") as handle:
        handle.write(b"copy")
    (folder / "made").write_bytes(b"x")
    private_file.restrict(folder / "made")
    assert sorted(p.name for p in folder.iterdir()) == [
        ".backup.part",
        "contacts.csv",
        "everything.json",
        "made",
    ]
    assert windows_files == []


def test_windows_writes_the_key_header_without_chmod(
    windows_files: list[str], tmp_path: Path
) -> None:
    from sli_desktop.vault import header
    from sli_desktop.vault.keys import KdfParams

    vault = tmp_path / "vault.sli"
    made = header.Header.new(b"k" * 32, "a passphrase", b"r" * 32, KdfParams.fast_for_tests())
    header.write_header(vault, made)
    assert header.header_path(vault).exists()
    assert windows_files == []


# -- open with the default application --------------------------------------------------------


def _fake_command(folder: Path, name: str, log: Path) -> None:
    """A stand-in for xdg-open or open on PATH that records what it was asked to open."""
    script = folder / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}.part" && mv "{log}.part" "{log}"\n')
    script.chmod(0o755)


@pytest.mark.skipif(os.name != "posix", reason="runs a shell script as the command")
@pytest.mark.parametrize(("platform", "program"), [("linux", "xdg-open"), ("darwin", "open")])
def test_the_command_opener_hands_the_file_to_the_desktop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, program: str
) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "opened.txt"
    bin_dir.mkdir()
    _fake_command(bin_dir, program, log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    document = tmp_path / "Birmingham briefing.pdf"
    document.write_bytes(b"%PDF-1.7\n")
    service = opener.for_platform(platform)
    assert isinstance(service, opener.CommandOpener) and service.program == program
    service.open(document)  # detached: the real launch, not waited for
    for _ in range(600):  # the launch is detached: wait for the stand-in to finish
        if log.exists():
            break
        time.sleep(0.05)
    assert log.read_text().splitlines() == [str(document.resolve())]


def test_the_command_opener_says_so_when_the_program_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    document = tmp_path / "a.pdf"
    document.write_bytes(b"%PDF")
    with pytest.raises(opener.OpenFailed, match="xdg-open is not installed"):
        opener.for_platform("linux").open(document)
    with pytest.raises(opener.OpenFailed, match="is not there to open"):
        opener.for_platform("linux").open(tmp_path / "gone.pdf")


def test_windows_opens_with_the_shell_association(tmp_path: Path) -> None:
    opened: list[str] = []
    document = tmp_path / "schedule.ics"
    document.write_bytes(b"BEGIN:VCALENDAR\n")
    opener.WindowsShellOpener(opened.append).open(document)
    assert opened == [str(document.resolve())]
    assert isinstance(opener.for_platform("win32"), opener.WindowsShellOpener)


def test_windows_says_when_no_application_opens_that_type(tmp_path: Path) -> None:
    def no_association(path: str) -> None:
        raise OSError(1155, "No application is associated with the specified file")

    document = tmp_path / "contacts.vcf"
    document.write_bytes(b"BEGIN:VCARD\n")
    with pytest.raises(opener.OpenFailed, match=r"^no application is set to open \.vcf files$"):
        opener.WindowsShellOpener(no_association).open(document)


# -- where things live ------------------------------------------------------------------------


def test_linux_keeps_the_vault_where_it_always_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLI_VAULT", raising=False)
    here = locations.for_platform()
    assert here.data_dir == Path(platformdirs.user_data_dir("sli-desktop", appauthor=False))
    assert paths.data_dir() == here.data_dir
    assert paths.default_vault() == here.vault == here.data_dir / "vault.sli"
    if sys.platform.startswith("linux"):
        assert locations.for_platform("linux") == here


def test_windows_keeps_everything_in_local_app_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs asks Windows for the Local AppData folder; its documented override
    stands in for SHGetKnownFolderPath here."""
    local = r"C:\Users\ann\AppData\Local"
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", r"C:\Users\ann\AppData\Roaming")
    where = locations.for_platform("win32")

    def windows(path: Path) -> PureWindowsPath:
        return PureWindowsPath(str(path).replace("/", "\\"))

    assert windows(where.vault) == PureWindowsPath(local, "sli-desktop", "vault.sli")
    assert windows(where.log_dir) == PureWindowsPath(local, "sli-desktop", "Logs")
    assert "Roaming" not in str(where.data_dir)  # never copied to a server at sign-out
    assert where.settings.startswith("the registry, HKEY_CURRENT_USER\\Software\\sli-desktop")


def test_macos_keeps_the_vault_in_application_support(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))  # what ~ means when this runs on Windows
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):  # a Mac has none
        monkeypatch.delenv(name, raising=False)
    where = locations.for_platform("darwin")
    assert where.vault == tmp_path / "Library/Application Support/sli-desktop/vault.sli"
    assert where.log_dir == tmp_path / "Library/Logs/sli-desktop"
    assert where.settings == "~/Library/Preferences/com.sli-desktop.SLI Desktop.plist"


# -- the keyring's name ----------------------------------------------------------------------


def test_each_platform_names_its_own_keyring() -> None:
    assert keyring_store.store_name("win32") == "Windows Credential Manager"
    assert keyring_store.store_name("darwin") == "the macOS keychain"
    assert keyring_store.store_name("linux") == "the desktop keyring"


def test_the_remember_wording_names_the_store() -> None:
    assert keyring_store.remember_label("win32") == (
        "&Remember on this device, in Windows Credential Manager"
    )
    assert keyring_store.remember_label("darwin").endswith("in the macOS keychain")
    assert keyring_store.unavailable("linux") == (
        "The desktop keyring is not available on this device."
    )


# -- a windowed program's output ------------------------------------------------------------


class FakeConsoleKernel32:
    def __init__(self, parent_has_console: bool) -> None:
        self.parent_has_console = parent_has_console
        self.asked: list[int] = []

    def AttachConsole(self, process: ctypes.c_uint32) -> int:
        self.asked.append(process.value)
        return 1 if self.parent_has_console else 0


@pytest.mark.parametrize(("has_console", "target"), [(True, "CONOUT$"), (False, os.devnull)])
def test_windowed_windows_program_writes_to_the_console_it_came_from(
    monkeypatch: pytest.MonkeyPatch, has_console: bool, target: str
) -> None:
    import io

    from sli_desktop.platform import console

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    opened: list[str] = []

    def open_stream(name: str) -> io.StringIO:
        opened.append(name)
        return io.StringIO()

    kernel32 = FakeConsoleKernel32(has_console)
    console.ensure_streams("win32", kernel32, open_stream)
    assert kernel32.asked == [0xFFFFFFFF]  # ATTACH_PARENT_PROCESS
    assert opened == [target, target]
    print("sli-desktop 0.1.0")  # what --version does first: no crash
    assert sys.stdout is not None and sys.stderr is not None


def test_a_program_with_streams_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from sli_desktop.platform import console

    before = (sys.stdout, sys.stderr)
    kernel32 = FakeConsoleKernel32(True)
    console.ensure_streams("win32", kernel32)
    assert (sys.stdout, sys.stderr) == before and kernel32.asked == []
    monkeypatch.setattr(sys, "stdout", None)
    console.ensure_streams("linux")  # pythonw-style start elsewhere: quietly nowhere
    assert sys.stdout is not None and sys.stdout.name == os.devnull
    sys.stdout.close()


def test_windows_creates_a_vault_and_backs_it_up_without_chmod(
    windows_files: list[str], tmp_path: Path
) -> None:
    """A real SQLCipher vault made, written and backed up the Windows way, end to end."""
    from sli_desktop.vault.backup import backup
    from sli_desktop.vault.keys import KdfParams
    from sli_desktop.vault.session import create_vault

    path = tmp_path / "profile" / "sli-desktop" / "vault.sli"
    created = create_vault(
        path, "correct horse battery staple 42", owner="Ann", kdf=KdfParams.fast_for_tests()
    )
    (tmp_path / "backups").mkdir()
    try:
        backup(created.vault, tmp_path / "backups" / "vault.sli-backup")
    finally:
        created.vault.close()
    assert path.exists() and (tmp_path / "backups" / "vault.sli-backup").exists()
    assert windows_files == []
