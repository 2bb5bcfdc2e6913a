"""PyInstaller entry of ``HotlineDesk`` (the windowed seat workstation).

Logging to the rotating file comes first, before Qt or any project module loads
(a windowed build has no stdout/stderr; see hotline_desk.logsetup). A failure before
the crash dialog is installed (hotline_desk.app.main) is logged with its traceback,
then re-raised so that PyInstaller's windowed bootloader still shows it.
"""

import logging
import multiprocessing
import sys

from hotline_desk import logsetup

if __name__ == "__main__":
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    logsetup.configure(verbose="-v" in args or "--verbose" in args)
    try:
        from hotline_desk.app import main

        code = main([a for a in args if a not in ("-v", "--verbose")])
    except SystemExit:
        raise
    except BaseException:
        logging.getLogger("hotline_desk").critical("the desk failed", exc_info=True)
        raise
    raise SystemExit(code)
