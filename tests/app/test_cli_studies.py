"""``dispersion`` and ``allocation`` through the CLI on the real futures panels, S&P 500 and
10-year yield."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import render_table
from app.cli_studies import dispersion_table
from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA, needs_data

PANEL = str(SHARED_DATA / "futures_panel_adjusted_daily.csv")
RECENT = SHARED_DATA / "recent"
RECENT_PANEL = str(RECENT / "futures_panel_adjusted_daily_2018_2024.csv")
SPX = str(RECENT / "sp500_index_ohlcv_1927_2026.csv")
YIELD = str(RECENT / "us10y_yield_daily_2003_2026.csv")


@needs_data
def test_dispersion_contract() -> None:
    args = ["dispersion", "--prices", PANEL, "--start", "2005-01-01", "--end", "2012-12-31"]
    out = cli_ok([*args, "--top", "3"])
    months = [r["month"] for r in out["monthly"]]
    assert months[0] == "2005-01" and months[-1] == "2012-12" and len(months) == 96
    spreads = [r["dispersion"] for r in out["monthly"]]
    assert out["mean"] == pytest.approx(sum(spreads) / len(spreads))
    assert [r["dispersion"] for r in out["top_months"]] == sorted(spreads, reverse=True)[:3]
    assert out["claim"]["value"] == 0.02 and "CTAs" in out["claim"]["text"]
    assert out["claim"]["difference"] == pytest.approx(out["mean"] - 0.02)
    assert len(out["variants"]) == 20
    assert {"name", "family", "overrides", "sharpe", "ann_vol"} <= set(out["variants"][0])
    assert {v["first"] for v in out["variants"]} == {"2005-01-03"}  # one metrics window
    table = render_table(dispersion_table(out))  # the command's view without --json
    assert "top_months:" in table and "2005-01 .. 2012-12 (96)" in table
    assert "--top must be at least 1" in cli_fails([*args, "--top", "0"])


@needs_data
def test_dispersion_names_the_variant_that_cannot_run(tmp_path) -> None:
    lines = Path(RECENT_PANEL).read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / "short.csv"
    short.write_text("".join(lines[:101]), encoding="utf-8")  # 100 days: 5 months is too long
    err = cli_fails(["dispersion", "--prices", str(short)])
    assert "variant tsmom 5m" in err and "not enough history" in err


@needs_data
def test_allocation_contract_on_the_real_sp500_and_yield() -> None:
    out = cli_ok(
        ["allocation", "--prices", RECENT_PANEL, "--equity-index", SPX, "--bond-yield", YIELD]
    )
    mixes = out["mixes"]
    assert [m["cta_share"] for m in mixes] == pytest.approx([k / 20 for k in range(11)])
    keys = {"cta_share", "stocks", "bonds", "sharpe", "ann_return", "ann_vol", "max_drawdown",
            "worst_month"}  # fmt: skip
    assert keys <= set(mixes[0])
    at = {m["cta_share"]: m for m in mixes}
    claim = out["claim"]
    assert claim["claimed"] == 0.25 and "30%" in claim["text"]
    assert claim["sharpe_gain_at_30"] == pytest.approx(at[0.3]["sharpe"] / at[0.0]["sharpe"] - 1)
    assert out["legs"].startswith("60% SP500_INDEX_OHLCV_1927_2026 / 40% US10Y_YIELD")
    assert (out["first"], out["last"]) == ("2018-12-20", "2024-03-28")
    step = cli_ok(["allocation", "--prices", RECENT_PANEL, "--step", "0.25"])
    assert [m["cta_share"] for m in step["mixes"]] == [0.0, 0.25, 0.5]
    assert step["legs"] == "60% SP500_MICRO / 40% US10 + CTA"  # both among the prices


@needs_data
def test_allocation_errors() -> None:
    base = ["allocation", "--prices", RECENT_PANEL]
    assert "step" in cli_fails([*base, "--step", "0"])
    assert "NOPE" in cli_fails([*base, "--equity-index", "NOPE"])
    old = ["allocation", "--prices", PANEL, "--equity-index", "US10"]  # negative prices
    assert "needs a price index" in cli_fails(old)
