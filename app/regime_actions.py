"""VIX Regime dock: history, zones, alerts and spikes of the store's VIX in a worker; the
latest close (or a picked alert day) becomes the current reading, dated, in the VIX Regime and
Rule of 16 docks with the index close it pairs; thresholds and the trend alert's hold setting
are saved in the settings."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QSettings, Signal

from engine.jobs import Job, Progress
from engine.vix import DEFAULT_HOLD_DAYS, ZoneThresholds

if TYPE_CHECKING:
    from app.desk import Desk
    from widgets.regime_panel import RegimePanel
    from widgets.rule16_panel import Rule16Panel

log = logging.getLogger(__name__)
KEY_THRESHOLDS = "vix/thresholds"
KEY_HOLD_DAYS = "vix/trend_hold_days"


def _seconds(index: Any) -> np.ndarray:
    return np.asarray(index.values.astype("datetime64[s]").astype(np.float64))


def regime_job(
    store_path: Path,
    symbol: str,
    thresholds: ZoneThresholds,
    index_symbol: str | None = None,
    hold_days: int = DEFAULT_HOLD_DAYS,
) -> Job[dict[str, Any]]:
    from engine import regime
    from engine.data.store import MarketStore

    yield Progress(0.0, f"Reading {symbol}")
    store = MarketStore(store_path)
    info = store.info(symbol)
    frame = store.read(symbol)
    closes = frame["close"].dropna()
    yield Progress(50.0, "Zones, alerts and spikes")
    alerts = regime.alerts(closes, hold_days)
    for alert in alerts:
        alert["seconds"] = float(
            np.datetime64(alert["date"]).astype("datetime64[s]").astype(np.float64)
        )
    has_high = "high" in frame and frame["high"].notna().any()
    rule16 = None
    if index_symbol:  # rule of 16 on history: implied vs realised daily sigma
        level = store.read(index_symbol, ["close"])["close"].dropna()
        sigmas = regime.rolling_sigmas(closes, level)
        rule16 = {
            "index": index_symbol,
            "levels": level,
            "seconds": _seconds(sigmas.index),
            "implied": sigmas["implied"].to_numpy(),
            "realised": sigmas["move"].to_numpy(),
            "summary": regime.rule16_history(closes, level, thresholds)["all"],
        }
    return {
        "rule16": rule16,
        "symbol": symbol,
        "source": info.source,
        "first": info.first,
        "last": info.last,
        "vix": closes,
        "seconds": _seconds(closes.index),
        "closes": closes.to_numpy(),
        "zones": regime.zone_stats(closes, thresholds),
        "alerts": alerts,
        "spikes": regime.spikes(frame),
        "intraday_spikes": regime.intraday_spikes(frame) if has_high else None,
    }


class RegimeController(QObject):
    """VIX Regime dock: the store's VIX history in a worker; owns the zone thresholds in
    effect (saved in the settings, announced by ``thresholds_changed`` to the other
    controllers) and the trend alert's hold setting (saved)."""

    thresholds_changed = Signal(object)  # ZoneThresholds

    def __init__(
        self,
        desk: Desk,
        panel: RegimePanel,
        rule16: Rule16Panel,
        settings: QSettings,
        store_path: Path,
    ) -> None:
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.rule16 = rule16
        self.settings = settings
        self.store_path = store_path
        self.symbol: str | None = None
        self.index_symbol: str | None = None
        self.last: dict[str, Any] | None = None
        self._restore_thresholds()
        self._restore_hold_days()
        panel.thresholds_changed.connect(self._thresholds_changed)
        panel.history.hold_days_changed.connect(self._hold_days_changed)
        panel.history.date_picked.connect(lambda day, _vix: self.show_day(day))

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

    def _restore_hold_days(self) -> None:
        saved = self.settings.value(KEY_HOLD_DAYS)
        if saved is None:
            return
        try:
            days = int(saved)
        except (ValueError, TypeError):
            log.warning("saved trend hold days %r are invalid: default kept", saved)
            return
        self.panel.set_hold_days(days)

    def _hold_days_changed(self, days: int) -> None:
        self.settings.setValue(KEY_HOLD_DAYS, days)
        self.refresh(follow_latest=False)

    @property
    def thresholds(self) -> ZoneThresholds:
        """The VIX zone thresholds in effect."""
        return self.panel.thresholds

    def _thresholds_changed(self, thresholds: ZoneThresholds) -> None:
        self.settings.setValue(KEY_THRESHOLDS, ",".join(f"{b:g}" for b in thresholds.bounds))
        self.refresh(follow_latest=False)
        self.thresholds_changed.emit(thresholds)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        from engine.data.symbols import pick_vix_symbol
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
        hold_days = self.panel.hold_days()

        def done(out: dict[str, Any]) -> None:
            self.last = out
            self.panel.show_regime(out)
            if out["rule16"] is not None:
                self.rule16.show_history(out["rule16"], out["symbol"])
            if follow_latest:
                self.show_day(f"{out['vix'].index[-1]:%Y-%m-%d}")

        symbol, index_symbol = self.symbol, self.index_symbol
        self.desk.run_job(
            f"VIX regime of {symbol}",
            lambda: regime_job(self.store_path, symbol, thresholds, index_symbol, hold_days),
            done,
            quiet=True,
        )

    def show_day(self, day: str) -> None:
        """The VIX Regime and Rule of 16 docks show the last VIX close on or before ``day``
        (a holiday shows the close before it) and the index close on or before that close's
        date (else the index's first), each with its date."""
        if self.last is None:
            return
        from engine.regime import last_close  # loaded with the data, not with the window

        reading = last_close(self.last["vix"], day)
        if reading is None:
            return
        vix_date, vix = reading
        self.panel.set_vix(round(vix, 2), vix_date)
        self.rule16.set_vix(round(vix, 2), vix_date)
        if self.last["rule16"] is not None:
            levels = self.last["rule16"]["levels"]
            # an index starting after the VIX date pairs its first close (the dates warn)
            date, level = last_close(levels, vix_date) or last_close(levels, levels.index[0])
            self.rule16.set_level(round(level, 2), date)
