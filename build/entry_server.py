"""PyInstaller entry of ``HotlineDeskServer`` (console): the whole ``hotline-desk`` CLI.

    HotlineDeskServer server init-demo --data-dir DIR
    HotlineDeskServer server --data-dir DIR --port 8787
    HotlineDeskServer kb … / calendar … / tickets …

Logging to its own rotating file, ``HotlineDeskServer.log`` (and the console), is set
up first (hotline_desk.logsetup), so that a failing start is in it too: for
``server …`` in ``<data dir>/logs`` as ``hotline-desk server`` does (two servers on one
PC keep apart), otherwise in the user's log folder.
"""

import multiprocessing
import sys
from pathlib import Path

from hotline_desk import logsetup


def log_folder(argv: list[str]) -> Path | None:
    """``<data dir>/logs`` when the command runs a server (``server`` with no action,
    or an option first); ``None`` (the user's log folder) for anything else."""
    if not argv or argv[0] != "server" or (len(argv) > 1 and not argv[1].startswith("-")):
        return None
    data_dir: str | None = None
    for index, arg in enumerate(argv):
        if arg == "--data-dir" and index + 1 < len(argv):
            data_dir = argv[index + 1]
        elif arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
    if data_dir is None:
        from hotline_desk.cli.server_cmd import default_data_dir

        return default_data_dir() / logsetup.SERVER_LOG_FOLDER
    return Path(data_dir) / logsetup.SERVER_LOG_FOLDER


if __name__ == "__main__":
    multiprocessing.freeze_support()
    logsetup.configure(verbose="-v" in sys.argv[1:] or "--verbose" in sys.argv[1:],
                       file_name=logsetup.SERVER_LOG_FILE_NAME,
                       folder=log_folder(sys.argv[1:]))
    from hotline_desk.cli import main

    raise SystemExit(main())
