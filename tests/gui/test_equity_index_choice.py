"""The equity index is chosen among the ticked instruments in the Strategy dock, and the
CTA-sleeve mixer of a GUI run has the bond leg it names."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from app.strategy_actions import backtest_run_job
from engine.data.demo import load_demo_job
from engine.data.store import MarketStore
from engine.jobs import run_job
from widgets.stats_panel import StatsPanel
from widgets.strategy_panel import StrategyPanel


def _offered(panel: StrategyPanel) -> list[str]:
    combo = panel.fields["equity_index"].widget
    return [combo.itemText(i) for i in range(combo.count())]


def test_equity_index_offers_the_ticked_symbols(desk_app, qtbot, tmp_path: Path) -> None:
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    rows = [
        {"symbol": s, "kind": k, "source": "t"}
        for s, k in (("SP500", "future"), ("GOLD", "future"), ("US10", "future"), ("V", "vix"))
    ]
    panel.set_universe(rows)
    combo = panel.fields["equity_index"].widget
    assert _offered(panel) == ["", "SP500", "GOLD", "US10"]  # the ticked ones; empty = auto
    assert combo.lineEdit().placeholderText() == "auto: SP500"
    panel.set_symbols(["GOLD", "US10"])
    assert _offered(panel) == ["", "GOLD", "US10"]
    assert "none of the ticked is like the S&P 500" in (combo.lineEdit().placeholderText())
    combo.setCurrentIndex(_offered(panel).index("GOLD"))
    with qtbot.waitSignal(panel.run_requested) as blocker:
        panel.run_button.click()
    assert blocker.args[1]["equity_index"] == "GOLD"
    panel.save_workspace(tmp_path / "w.ctadesk.json")
    panel.select_preset("fast")  # the preset's default: automatic
    assert panel.values()["equity_index"] == ""
    panel.load_workspace(tmp_path / "w.ctadesk.json")
    assert panel.values()["equity_index"] == "GOLD"


def test_sleeve_label_names_the_legs(desk_app, qtbot) -> None:
    stats = StatsPanel()
    qtbot.addWidget(stats)
    row = {"cta_share": 0.0, "sharpe": 0.5, "ann_vol": 0.1, "max_drawdown": -0.2}
    legs = "60% SP500 / 40% US10 + CTA"
    stats.show_stats("t", {}, None, {"allocation_mixer": [row], "allocation_mixer_legs": legs})
    assert stats.sleeve_label.text().endswith(f"({legs})")
    assert legs in stats.mixer_plot.getPlotItem().titleLabel.text


def test_gui_mixer_has_the_demo_bond_leg(tmp_path: Path) -> None:
    store = MarketStore(tmp_path / "store.sqlite")
    run_job(load_demo_job(store))
    futures = [s.symbol for s in store.list_series() if s.kind == "future"]
    out = run_job(backtest_run_job(store.path, "tsmom-blend", {}, futures, None, "t"))
    assert out.extras["allocation_mixer_legs"] == "60% DEMO_ES / 40% DEMO_ZN + CTA"
    closes = store.read_closes(["DEMO_ES", "DEMO_ZN"])
    cta = out.result.returns
    base = (0.6 * closes["DEMO_ES"].pct_change() + 0.4 * closes["DEMO_ZN"].pct_change()).reindex(
        cta.index
    )
    rows = {round(r["cta_share"] * 100): r for r in out.extras["allocation_mixer"]}
    assert sorted(rows) == list(range(51))
    for percent in (0, 30):
        mix = ((1 - percent / 100) * base + percent / 100 * cta).dropna()
        sharpe = mix.mean() / mix.std(ddof=1) * math.sqrt(252)
        assert rows[percent]["sharpe"] == pytest.approx(sharpe, rel=1e-9)
        assert rows[percent]["ann_vol"] == pytest.approx(mix.std(ddof=1) * np.sqrt(252), rel=1e-9)
