"""A desk process that types into the ticket form and is then killed (SIGKILL) by the test.

    python gui_crash_child.py SERVER_URL CACHE_DIR TEXT

Logs in as operator1, types TEXT into the content field key by key, waits until the
debounced draft is in the cache, prints ``DRAFT-SAVED`` and keeps running until killed.
Runs offscreen; the token goes to a keyring in memory (the test logs in again).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HOTLINE_DESK_ALLOW_INSECURE_KEYRING"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keyring
from conftest import MemoryKeyring, send_text

from hotline_desk.app import Desk, DeskOptions, make_application


async def main(server: str, cache: Path, text: str) -> None:
    desk = await Desk(DeskOptions(server=server, demo_login="operator1",
                                  cache_dir=cache)).open(show_window=lambda w: w.show())
    desk.start()
    while desk.shell.window is None:
        await asyncio.sleep(0.05)
    form = desk.shell.window.form
    send_text(form.ui.contentEdit, text)
    while True:
        drafts = await desk.ctx.tickets.load_drafts()
        if any(d.get("content") == text for d in drafts.values()):
            break
        await asyncio.sleep(0.05)
    print("DRAFT-SAVED", flush=True)
    await asyncio.Event().wait()  # until SIGKILL


if __name__ == "__main__":
    import qasync

    keyring.set_keyring(MemoryKeyring())
    app = make_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
