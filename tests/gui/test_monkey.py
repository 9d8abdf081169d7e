"""The seeded random user (tests/gui/monkey.py) on the desk for a few thousand events: no
unhandled exception, no hang, and no error dialog other than a clear message about bad input.
``make soak`` runs it longer (CTADESK_MONKEY_EVENTS)."""

from __future__ import annotations

import faulthandler
import os
import sys

from app.logs import setup_logging
from tests.gui.desk_texts import nan_shown
from tests.gui.monkey import EXPECTED_ERRORS, Heartbeat, Monkey

EVENTS = int(os.environ.get("CTADESK_MONKEY_EVENTS", "1500"))
SEED = int(os.environ.get("CTADESK_MONKEY_SEED", "20261129"))
HANG_S = 120  # no single action and its processing may take this long


def unexpected_tracebacks(log: str) -> list[str]:
    """The exception line of every traceback in the log that is not a clear input error."""
    found = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith((" ", "\t"))]
        last = lines[0] if lines else block[-200:]
        name = last.split(":")[0].rsplit(".", 1)[-1]  # engine.data.store.StoreError -> ...
        if f"{name}:" not in EXPECTED_ERRORS:
            found.append(last)
    return found


def test_monkey(make_window, qtbot, ctadesk_home) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    monkey = Monkey(window, SEED)
    heartbeat = Heartbeat()
    heartbeat.start()
    try:
        for i in range(EVENTS):
            faulthandler.dump_traceback_later(HANG_S, exit=True, file=sys.stderr)  # watchdog
            monkey.step()
            if i % 200 == 199:
                assert nan_shown(window) == [], f"after {i + 1} events"
        monkey.settle()
    finally:
        faulthandler.cancel_dump_traceback_later()
        heartbeat.stop()
    report = monkey.report
    report.max_gap_ms = heartbeat.max_gap_ms
    log = (ctadesk_home / "logs" / "ctadesk.log").read_text(encoding="utf-8")
    print(
        f"\nmonkey: {report.events} events, {len(report.dialogs)} dialogs, longest UI gap "
        f"{report.max_gap_ms:.0f} ms, actions {report.actions}"
    )
    for title, message in sorted(set(report.dialogs)):
        print(f"  dialog: {title}: {message[:110]}")
    assert report.unexpected() == []
    assert "uncaught exception" not in log
    assert unexpected_tracebacks(log) == []
    assert len(report.actions) >= 12  # every kind of action happened
    assert nan_shown(window) == []
    assert heartbeat.max_gap_ms < 10_000  # the UI kept breathing
    setup_logging()
