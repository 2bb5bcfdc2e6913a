"""Logging for the desk and the server: a rotating file first, the console if there is one.

Called before anything else runs (``build/entry_desk.py``, ``build/entry_server.py``,
``hotline_desk.app.main``). A windowed Windows executable has no console:
``sys.stdout`` and ``sys.stderr`` are ``None`` there, and anything that writes to
them (a library's ``print``, a ``StreamHandler``, ``faulthandler``) would fail. So:

* the log goes to ``HotlineDesk.log`` in the user's log folder — platformdirs'
  ``user_log_dir``, which on Windows is under ``%LOCALAPPDATA%`` (local, never
  the roaming profile: logs must not travel with the user between PCs) — rotating
  at 2 MB with 5 old files kept; ``HOTLINE_DESK_LOG_DIR`` overrides the folder;
* a missing stream is replaced by ``os.devnull`` so writes to it are harmless;
* a console handler is added only when stderr exists;
* ``faulthandler`` writes hard crashes (segfaults in Qt) to ``HotlineDesk-faults.log``
  beside it.

The sync server (``hotline-desk server``) writes ``HotlineDeskServer.log`` in
``<data dir>/logs`` (``configure(folder=...)``; ``HOTLINE_DESK_LOG_DIR`` still wins), and
hands uvicorn :func:`uvicorn_log_config`, so that uvicorn's own lines (start-up,
shutdown, errors; requests only with ``--access-log``) reach the same file instead of
uvicorn's private console handlers.

No Qt here: the crash dialog (``hotline_desk.gui.crash_dialog``) uses :func:`log_file`.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO, Any

from platformdirs import PlatformDirs
from platformdirs.api import PlatformDirsABC

LOG_DIR_ENV = "HOTLINE_DESK_LOG_DIR"
LOG_FILE_NAME = "HotlineDesk.log"  # the desk's
SERVER_LOG_FILE_NAME = "HotlineDeskServer.log"  # the sync server's (hotline-desk server)
SERVER_LOG_FOLDER = "logs"  # under the server's data folder
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

_HANDLER_MARK = "_hotline_desk_handler"
_state: dict[str, Any] = {}


def log_dir(dirs_class: type[PlatformDirsABC] | None = None) -> Path:
    """The folder of the log files (``HOTLINE_DESK_LOG_DIR`` or the user's local log dir).

    Windows: ``%LOCALAPPDATA%\\HotlineDesk\\Logs`` (``roaming=False``); Linux:
    ``~/.local/state/HotlineDesk/log``; macOS: ``~/Library/Logs/HotlineDesk``.
    ``dirs_class`` picks another platform's rules (tests)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    from hotline_desk.paths import APP_NAME

    dirs = (dirs_class or PlatformDirs)(APP_NAME, appauthor=False, roaming=False)
    return Path(dirs.user_log_dir)


def log_file() -> Path:
    """The current log file (the one :func:`configure` opened, else where it would be)."""
    opened = _state.get("path")
    return opened if isinstance(opened, Path) else log_dir() / LOG_FILE_NAME


def ensure_streams() -> None:
    """Give a windowed process harmless stdout/stderr instead of ``None``."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            devnull: IO[str] = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
            setattr(sys, name, devnull)
            _state.setdefault("devnull", []).append(devnull)


def has_console() -> bool:
    """True when stderr was a real stream before :func:`ensure_streams` replaced it."""
    return bool(_state.get("console", sys.stderr is not None))


def configure(*, verbose: bool = False, console: bool | None = None,
              file_name: str = LOG_FILE_NAME, folder: Path | None = None) -> Path | None:
    """Set up the root logger once; return the log file (None if it cannot be written).

    Idempotent: a second call only adjusts the level. ``console`` forces the console
    handler on or off (default: on when stderr exists). The desk and the server use
    different ``file_name`` s: on Windows a file open in another process cannot be
    renamed, so two programs sharing one rotating file would break its rotation.
    ``folder`` replaces the user's log folder (the server's data folder, so that two
    servers on one machine do not share a file); ``HOTLINE_DESK_LOG_DIR`` overrides both."""
    root = logging.getLogger()
    level = logging.DEBUG if verbose else logging.INFO
    if "configured" in _state:
        root.setLevel(min(root.level, level) if root.level else level)
        return _state.get("path")
    _state["configured"] = True
    _state["console"] = sys.stderr is not None
    ensure_streams()
    formatter = logging.Formatter(FORMAT)
    root.setLevel(level)
    base = folder if folder is not None and not os.environ.get(LOG_DIR_ENV) else log_dir()
    path: Path | None = base / file_name
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                      encoding="utf-8", delay=False)
    except OSError as exc:
        path = None
        problem = f"log file unavailable ({exc}); logging to the console only"
    else:
        problem = ""
        handler.setFormatter(formatter)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
        _enable_faulthandler(path.with_name(f"{path.stem}-faults.log"))
    _state["path"] = path
    want_console = _state["console"] if console is None else console
    has_stream_handler = any(getattr(h, "stream", None) in (sys.stderr, sys.stdout)
                             for h in root.handlers)  # e.g. the CLI's basicConfig
    if want_console and not has_stream_handler:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        setattr(stream, _HANDLER_MARK, True)
        root.addHandler(stream)
    logging.captureWarnings(True)
    log = logging.getLogger(__name__)
    if problem:
        log.warning(problem)
    log.info("log started: %s (pid %d, frozen=%s)", path, os.getpid(),
             bool(getattr(sys, "frozen", False)))
    return path


def uvicorn_log_config(*, access_log: bool = False) -> dict[str, Any]:
    """uvicorn's ``log_config``: its loggers propagate to the root's handlers (the log
    file and the console set up by :func:`configure`) and have none of their own.

    uvicorn's default config gives its loggers private console handlers and
    ``propagate=False``, so nothing of uvicorn reached the log file. The config is
    *incremental*: a full ``dictConfig`` would first close every handler already
    installed, the root's log file included. Request lines (``uvicorn.access``) are
    kept out unless ``access_log`` (pass the same flag to ``uvicorn.run(access_log=…)``,
    which drops them at the source when off)."""
    loggers: dict[str, dict[str, Any]] = {
        name: {"level": "INFO", "propagate": True} for name in UVICORN_LOGGERS}
    loggers["uvicorn.access"] = {"level": "INFO" if access_log else "WARNING",
                                 "propagate": access_log}
    return {"version": 1, "incremental": True, "loggers": loggers}


def _enable_faulthandler(path: Path) -> None:
    """Hard crashes (a segfault in Qt) to their own file: faulthandler keeps the file
    descriptor it was given, which the rotating handler would close on rollover."""
    try:
        stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process
    except OSError:
        return
    _state["fault_stream"] = stream
    _state["fault_was_enabled"] = faulthandler.is_enabled()  # e.g. by pytest
    faulthandler.enable(stream, all_threads=True)


def reset() -> None:
    """Remove what :func:`configure` added (tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    fault_stream = _state.get("fault_stream")
    if fault_stream is not None:
        faulthandler.disable()
        fault_stream.close()
        if _state.get("fault_was_enabled") and sys.__stderr__ is not None:
            faulthandler.enable(sys.__stderr__, all_threads=True)
    _state.clear()
