"""Open the course in JupyterLab, on the welcome notebook:

    .venv/bin/python scripts/launch.py

It starts this venv's `jupyter lab` with every notebook of notebooks/ in the file browser and
00_welcome open. When run as root (containers, cloud shells, CI) it adds --allow-root, without which
JupyterLab refuses to start. Any further arguments go to `jupyter lab` unchanged (e.g. --no-browser,
--port=8890). Stop the server with Ctrl-C twice in this terminal, or File > Shut Down in JupyterLab.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WELCOME = Path("notebooks") / "00_welcome" / "00_welcome.ipynb"


def jupyter_lab_command(extra_args: list[str], running_as_root: bool) -> list[str]:
    """The `jupyter lab` command line, run from the repo root.

    --ServerApp.root_dir=notebooks keeps every notebook in the file browser: given a file alone,
    JupyterLab would serve only that file's folder.
    """
    jupyter = Path(sys.executable).parent / "jupyter"
    command = [str(jupyter), "lab", "--ServerApp.root_dir=notebooks", str(WELCOME)]
    if running_as_root:
        command.append("--allow-root")
    return command + extra_args


def main() -> None:
    # os.geteuid does not exist on Windows, where there is no root to refuse.
    running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = jupyter_lab_command(sys.argv[1:], running_as_root)
    os.chdir(REPO_ROOT)
    # exec, so that Ctrl-C reaches JupyterLab directly and its exit status is this command's.
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
