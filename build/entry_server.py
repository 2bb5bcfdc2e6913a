"""PyInstaller entry of ``HotlineDeskServer`` (console): the whole ``hotline-desk`` CLI.

    HotlineDeskServer server init-demo --data-dir DIR
    HotlineDeskServer server --data-dir DIR --port 8787
    HotlineDeskServer kb … / calendar … / tickets …

Logging to its own rotating file, ``HotlineDeskServer.log`` (and the console), is set
up first (hotline_desk.logsetup).
"""

import multiprocessing
import sys

from hotline_desk import logsetup

if __name__ == "__main__":
    multiprocessing.freeze_support()
    logsetup.configure(verbose="-v" in sys.argv[1:] or "--verbose" in sys.argv[1:],
                       file_name="HotlineDeskServer.log")
    from hotline_desk.cli import main

    raise SystemExit(main())
