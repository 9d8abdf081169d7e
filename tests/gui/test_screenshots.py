"""Every dock on real data from ../shared/data, grabbed to PNG (kept when CTADESK_SCREENSHOTS
names a folder). Each image must show real content, not a blank panel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from engine.data.importers import import_file
from engine.data.store import MarketStore
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")


def _colours(image: QImage) -> int:
    seen = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_every_dock_on_real_data(make_window, qtbot, tmp_path: Path) -> None:
    out = Path(os.environ.get("CTADESK_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    from app.paths import app_paths

    store = MarketStore(app_paths().ensure().store)
    import_file(store, SHARED_DATA / "futures_panel_adjusted_daily.csv")
    import_file(
        store, SHARED_DATA / "vix_daily.csv", symbol="CBOE_VIX"
    )  # the panel has a VIX column
    import_file(store, SHARED_DATA / "sp500_index_close_1990_2022.csv", symbol="SPX")
    window = make_window(auto_demo=False)
    window.resize(1600, 1000)
    qtbot.waitUntil(
        lambda: (
            window.data.is_ready and window.regimes.last is not None and not window.jobs.running
        ),
        timeout=60_000,
    )
    strategy = window.panels["dockStrategy"]
    assert len(strategy.symbols()) == 16

    strategy.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and strategy.run_button.isEnabled(), timeout=60_000
    )
    sweep = window.panels["dockSweep"]
    sweep.x_range.setText("10,20,35,60,100")
    sweep.run_button.click()
    qtbot.waitUntil(
        lambda: window.sweeps.last is not None and sweep.run_button.isEnabled(), timeout=60_000
    )
    # every instrument is swept, the back-adjusted ones (US10, SOYBEAN) on price changes
    assert window.sweeps.last["instruments"] == 16
    assert "fused TSMOM kernel" in sweep.message.text()
    window.panels["dockTriggersFlows"].refresh_button.click()
    qtbot.waitUntil(
        lambda: window.positioning.last is not None and not window.jobs.running, timeout=60_000
    )
    replay = window.panels["dockEventReplay"]
    replay.event_box.setCurrentIndex(replay.event_box.findData("oct-2008"))
    replay.run_button.click()
    qtbot.waitUntil(
        lambda: window.replays.last is not None and not window.jobs.running, timeout=60_000
    )
    window.regime_panel.tabs.setCurrentIndex(1)

    for name, dock in window.docks.items():
        dock.raise_()
        qtbot.wait(50)
        image = dock.grab().toImage()
        image.save(str(out / f"{name}.png"))
        assert _colours(image) > 12, name
    window.grab().save(str(out / "window.png"))
    assert window.errors.count == 0
