"""Time from pressing Run in the Strategy dock to the Equity dock showing the result, on the
demo universe, against the engine's backtest alone on the same data in the same process.
Off screen; prints one JSON object."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["CTADESK_HOME"] = home
        from app.bootstrap import create_application, preload_engine

        app = create_application()
        preload_engine()
        from app.mainwindow import MainWindow
        from app.selftest import _wait
        from engine.backtest import run_backtest
        from engine.data.store import MarketStore

        window = MainWindow()
        window.save_on_close = False
        window.show()
        _wait(
            lambda: (
                window.data.is_ready
                and getattr(window, "engine_ready", False)
                and not window.jobs.running
            ),
            120,
        )
        panel = window.panels["dockStrategy"]
        gui = []
        for _ in range(runs):
            count = window.strategy.count
            start = time.perf_counter()
            panel.run_button.click()
            _wait(
                lambda c=count: window.strategy.count == c + 1 and panel.run_button.isEnabled(), 120
            )
            app.processEvents()
            gui.append(time.perf_counter() - start)
        store = MarketStore(window.data.store_path)
        read = []
        for _ in range(runs):
            start = time.perf_counter()
            prices = store.read_closes(panel.symbols())
            read.append(time.perf_counter() - start)
        vix = store.read("DEMO_VIX")["close"]
        engine = []
        for _ in range(runs):
            start = time.perf_counter()
            run_backtest(prices, "tsmom-blend", vix=vix)
            engine.append(time.perf_counter() - start)
        window.close()
    print(
        json.dumps(
            {
                "runs": runs,
                "instruments": prices.shape[1],
                "days": prices.shape[0],
                "run_to_chart_ms_median": round(statistics.median(gui) * 1000, 1),
                "engine_backtest_ms_median": round(statistics.median(engine) * 1000, 1),
                "gui_over_engine": round(statistics.median(gui) / statistics.median(engine), 2),
                # the desk reads the ticked universe in the background once the store is
                # listed, and runs reuse it until the store changes (app/strategy_actions.py)
                "first_run_to_chart_ms": round(gui[0] * 1000, 1),
                "first_over_engine": round(gui[0] / statistics.median(engine), 2),
                "store_read_ms_median": round(statistics.median(read) * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
