"""The frozen build's one entry script: `sli` runs the command line, anything else the window.

Both executables in the folder are built from this script and the same analysis, so they share
every library; the name the program was started as picks the front end.
"""

import sys
from pathlib import Path


def _front_end() -> str:
    # sys.executable is the file really run, whatever a symlink to it is called.
    return Path(sys.executable).stem.lower()


if __name__ == "__main__":
    # Windows' windowed sli-desktop.exe has no stdout: print to the console it was started
    # from, so `sli-desktop --self-test` reports there (and CI can run it).
    from sli_desktop.platform.console import ensure_streams

    ensure_streams()
    if _front_end() == "sli":
        from sli_desktop.cli.app import run
    else:
        from sli_desktop.gui.main import run
    run()
