"""hotline_desk.logsetup: the rotating log file a windowed build depends on.

A desk without a log cannot be supported, and its log must stay on the PC it was
written on (第三十五条: data and network security — logs are kept in the *local*,
not roaming, profile folder).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from platformdirs.windows import Windows

from hotline_desk import logsetup

WIN_LOCAL = r"C:\Users\op1\AppData\Local"
WIN_ROAMING = r"C:\Users\op1\AppData\Roaming"


@pytest.fixture
def clean_logging(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A fresh root logger state and HOTLINE_DESK_LOG_DIR in tmp_path; restored after."""
    root = logging.getLogger()
    before_level, before_handlers = root.level, list(root.handlers)
    logsetup.reset()
    folder = tmp_path / "logs"
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(folder))
    try:
        yield folder
    finally:
        logsetup.reset()
        root.setLevel(before_level)
        for handler in list(root.handlers):
            if handler not in before_handlers:
                root.removeHandler(handler)


def _file_handlers() -> list[RotatingFileHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]


def test_log_goes_to_the_file_in_the_configured_folder(clean_logging: Path) -> None:
    path = logsetup.configure()
    assert path == clean_logging / logsetup.LOG_FILE_NAME
    logging.getLogger("hotline_desk.test").warning("座席 A-12 测试日志")
    for handler in _file_handlers():
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "log started" in text
    assert "座席 A-12 测试日志" in text
    assert logsetup.log_file() == path
    assert (clean_logging / "HotlineDesk-faults.log").is_file()  # faulthandler's own file


def test_the_server_writes_its_own_file(clean_logging: Path) -> None:
    """Two programs sharing one rotating file would break rotation on Windows."""
    path = logsetup.configure(file_name="HotlineDeskServer.log")
    assert path == clean_logging / "HotlineDeskServer.log"
    assert path.is_file()
    assert not (clean_logging / logsetup.LOG_FILE_NAME).exists()


def test_configure_twice_adds_one_file_handler(clean_logging: Path) -> None:
    first = logsetup.configure()
    second = logsetup.configure(verbose=True)
    assert first == second
    assert len(_file_handlers()) == 1
    assert logging.getLogger().level == logging.DEBUG


def test_windowed_process_without_streams_gets_devnull_and_no_console_handler(
        clean_logging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sys.stdout/sys.stderr are None in a windowed Windows build: nothing may write to None."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    path = logsetup.configure()
    assert sys.stdout is not None and sys.stderr is not None
    print("这行去了 os.devnull")  # must not raise
    sys.stderr.write("stderr too\n")
    assert not logsetup.has_console()
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_hotline_desk_handler", False)]
    assert [type(h) for h in ours] == [RotatingFileHandler]
    assert path is not None and path.is_file()


def test_console_handler_when_there_is_a_console(clean_logging: Path) -> None:
    logsetup.configure(console=True)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_hotline_desk_handler", False)]
    assert any(getattr(h, "stream", None) is sys.stderr for h in ours)


def test_unwritable_folder_falls_back_to_console(clean_logging: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(blocker / "logs"))
    assert logsetup.configure(console=True) is None
    assert _file_handlers() == []


def test_the_file_rotates(clean_logging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logsetup, "MAX_BYTES", 4096)
    path = logsetup.configure(console=False)
    assert path is not None
    log = logging.getLogger("hotline_desk.test")
    for n in range(200):
        log.info("第%03d行 %s", n, "工单草稿" * 10)
    backups = sorted(path.parent.glob(logsetup.LOG_FILE_NAME + ".*"))
    assert backups, "no rotated file"
    assert len(backups) <= logsetup.BACKUP_COUNT
    assert path.stat().st_size <= 4096 + 512


def test_windows_log_folder_is_local_not_roaming(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(logsetup.LOG_DIR_ENV, raising=False)
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", WIN_LOCAL)
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", WIN_ROAMING)
    folder = str(logsetup.log_dir(Windows))
    assert folder.startswith(WIN_LOCAL)
    assert "Roaming" not in folder
    assert "HotlineDesk" in folder


@settings(max_examples=30, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=80))
def test_any_message_reaches_the_file_intact(tmp_path_factory: pytest.TempPathFactory,
                                             message: str) -> None:
    folder = tmp_path_factory.mktemp("logs")
    root = logging.getLogger()
    before_level = root.level
    logsetup.reset()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(logsetup.LOG_DIR_ENV, str(folder))
        try:
            path = logsetup.configure(console=False)
            assert path is not None
            logging.getLogger("hotline_desk.prop").error("%s", message)
            for handler in _file_handlers():
                handler.flush()
            assert message in path.read_text(encoding="utf-8")
        finally:
            logsetup.reset()
            root.setLevel(before_level)


# ---------------------------------------------------------------- the sync server


def test_the_server_log_goes_to_the_given_folder_unless_overridden(
        clean_logging: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each server's log lives in its own data folder; HOTLINE_DESK_LOG_DIR still wins."""
    data_logs = tmp_path / "data" / logsetup.SERVER_LOG_FOLDER
    path = logsetup.configure(console=False, file_name=logsetup.SERVER_LOG_FILE_NAME,
                              folder=data_logs)
    assert path == clean_logging / logsetup.SERVER_LOG_FILE_NAME  # the override
    logsetup.reset()
    monkeypatch.delenv(logsetup.LOG_DIR_ENV)
    path = logsetup.configure(console=False, file_name=logsetup.SERVER_LOG_FILE_NAME,
                              folder=data_logs)
    assert path == data_logs / logsetup.SERVER_LOG_FILE_NAME
    assert (data_logs / "HotlineDeskServer-faults.log").is_file()


@pytest.fixture
def uvicorn_loggers() -> Iterator[None]:
    """uvicorn's loggers as they were before the test (uvicorn.Config changes them)."""
    loggers = [logging.getLogger(name) for name in logsetup.UVICORN_LOGGERS]
    saved = [(lg.level, lg.propagate, list(lg.handlers), lg.disabled) for lg in loggers]
    try:
        yield
    finally:
        for lg, (level, propagate, handlers, disabled) in zip(loggers, saved, strict=True):
            lg.setLevel(level)
            lg.propagate = propagate
            lg.handlers[:] = handlers
            lg.disabled = disabled


@pytest.mark.parametrize("access_log", [False, True])
def test_uvicorn_lines_reach_the_server_log_file(clean_logging: Path, uvicorn_loggers: None,
                                                 access_log: bool) -> None:
    """第三十五条: uvicorn's start-up, shutdown and error lines are in the server's file
    (uvicorn's own config would keep them on private console handlers); request lines
    only when asked for."""
    import uvicorn

    path = logsetup.configure(console=False, file_name=logsetup.SERVER_LOG_FILE_NAME)
    assert path is not None
    (file_handler,) = _file_handlers()
    # What ``hotline-desk server`` passes; uvicorn.Config applies it when built.
    uvicorn.Config("hotline_desk.server.app:create_app", factory=True,
                   log_config=logsetup.uvicorn_log_config(access_log=access_log),
                   access_log=access_log, log_level="info")
    assert file_handler.stream is not None and not file_handler.stream.closed
    for name in logsetup.UVICORN_LOGGERS:
        assert logging.getLogger(name).handlers == [], name
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://127.0.0.1:8787")
    logging.getLogger("uvicorn.error").error("Exception in ASGI application")
    logging.getLogger("uvicorn.access").info('127.0.0.1:5000 - "GET /api/v1/health" 200')
    file_handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "uvicorn.error: Uvicorn running on http://127.0.0.1:8787" in text
    assert "ERROR" in text and "uvicorn.error: Exception in ASGI application" in text
    assert ("GET /api/v1/health" in text) is access_log
