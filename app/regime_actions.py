"""VIX Regime dock: history, zones and alerts of the store's VIX in a worker; the latest close
becomes the current reading; thresholds are saved in the settings."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QSettings, Signal

from engine.jobs import Job, Progress
from engine.vix import ZoneThresholds
from widgets.regime_panel import RegimePanel
from widgets.rule16_panel import Rule16Panel

if TYPE_CHECKING:
    from app.mainwindow import MainWindow

log = logging.getLogger(__name__)
KEY_THRESHOLDS = "vix/thresholds"


def regime_job(
    store_path: Path, symbol: str, thresholds: ZoneThresholds, index_symbol: str | None = None
) -> Job[dict[str, Any]]:
    from engine import regime
    from engine.data.store import MarketStore

    yield Progress(0.0, f"Reading {symbol}")
    store = MarketStore(store_path)
    info = store.info(symbol)
    closes = store.read(symbol, ["close"])["close"].dropna()
    yield Progress(50.0, "Zones and alerts")
    alerts = regime.alerts(closes)
    for alert in alerts:
        alert["seconds"] = float(
            np.datetime64(alert["date"]).astype("datetime64[s]").astype(np.float64)
        )
    implied = None
    if index_symbol:  # rule of 16 on history: implied vs next-day realised move, 21-day means
        import math

        import pandas as pd

        level = store.read(index_symbol, ["close"])["close"].dropna()
        nxt = (level.pct_change().abs() * 100).shift(-1)
        both = pd.concat(
            {"implied": closes / math.sqrt(256), "realised": nxt}, axis=1, sort=True
        ).dropna()
        smooth = both.rolling(21).mean().dropna()
        implied = {
            "index": index_symbol,
            "seconds": smooth.index.values.astype("datetime64[s]").astype(np.float64),
            "implied": smooth["implied"].to_numpy(),
            "realised": smooth["realised"].to_numpy(),
            "summary": regime.rule16_history(closes, level, thresholds)["all"],
            "latest_level": float(level.iloc[-1]),
        }
    return {
        "rule16": implied,
        "symbol": symbol,
        "source": info.source,
        "first": info.first,
        "last": info.last,
        "seconds": closes.index.values.astype("datetime64[s]").astype(np.float64),
        "closes": closes.to_numpy(),
        "zones": regime.zone_stats(closes, thresholds),
        "alerts": alerts,
        "latest": float(closes.iloc[-1]),
    }


class RegimeController(QObject):
    """VIX Regime dock: the store's VIX history in a worker; owns the zone thresholds in
    effect (saved in the settings, announced by ``thresholds_changed`` to the other
    controllers)."""

    thresholds_changed = Signal(object)  # ZoneThresholds

    def __init__(
        self,
        window: MainWindow,
        panel: RegimePanel,
        rule16: Rule16Panel,
        settings: QSettings,
        store_path: Path,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.panel = panel
        self.rule16 = rule16
        self.settings = settings
        self.store_path = store_path
        self.symbol: str | None = None
        self.index_symbol: str | None = None
        self.last: dict[str, Any] | None = None
        self._restore_thresholds()
        panel.thresholds_changed.connect(self._thresholds_changed)

    def _restore_thresholds(self) -> None:
        saved = self.settings.value(KEY_THRESHOLDS)
        if not saved:
            return
        try:
            values = saved if isinstance(saved, list) else str(saved).split(",")
            thresholds = ZoneThresholds(tuple(float(v) for v in values))
        except (ValueError, TypeError):
            log.warning("saved VIX thresholds %r are invalid: defaults kept", saved)
            return
        self.panel.set_thresholds(thresholds.bounds)

    @property
    def thresholds(self) -> ZoneThresholds:
        """The VIX zone thresholds in effect."""
        return self.panel.thresholds

    def _thresholds_changed(self, thresholds: ZoneThresholds) -> None:
        self.settings.setValue(KEY_THRESHOLDS, ",".join(f"{b:g}" for b in thresholds.bounds))
        self.refresh(follow_latest=False)
        self.thresholds_changed.emit(thresholds)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        from engine.data.store import pick_vix_symbol
        from engine.equity_index import pick_equity_index

        symbol = pick_vix_symbol(rows)
        self.index_symbol = pick_equity_index([r["symbol"] for r in rows if r["kind"] == "index"])
        first = self.symbol is None
        if symbol != self.symbol:
            self.symbol = symbol
            self.refresh(follow_latest=first)

    def refresh(self, follow_latest: bool = False) -> None:
        if self.symbol is None:
            return
        thresholds = self.panel.thresholds

        def done(out: dict[str, Any]) -> None:
            self.last = out
            self.panel.history.show_history(out, self.panel.thresholds)
            if follow_latest:
                self.panel.set_vix(round(out["latest"], 2))
                self.rule16.set_vix(round(out["latest"], 2))
            if out["rule16"] is not None:
                self.rule16.show_history(out["rule16"], out["symbol"])
                if follow_latest:
                    self.rule16.set_level(round(out["rule16"]["latest_level"], 2))

        symbol, index_symbol = self.symbol, self.index_symbol
        self.window.run_job(
            f"VIX regime of {symbol}",
            lambda: regime_job(self.store_path, symbol, thresholds, index_symbol),
            done,
            quiet=True,
        )
