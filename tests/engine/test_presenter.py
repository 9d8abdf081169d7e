"""engine/labels.py, the presenter: the formats and sentences the docks and the report share,
checked against hand-written expectations."""

from __future__ import annotations

import math

from engine.labels import (
    MIXER_HEADERS,
    NO_CRISIS_ALPHA,
    ZONE_HEADERS,
    crisis_alpha_text,
    mixer_rows,
    mixer_text,
    pct,
    usd_bn,
    zone_rows,
)
from engine.vix import ZoneThresholds


def test_percent_and_billions_by_hand() -> None:
    assert pct(0.1234) == "12.3%"
    assert pct(-0.00456, 2, signed=True) == "-0.46%"
    assert pct(0.05, 0, signed=True) == "+5%"
    assert pct(None) == pct(math.nan) == "-"
    assert usd_bn(2.5e9) == "$2.5bn"
    assert usd_bn(-1.234e9, 2, signed=True) == "$-1.23bn"
    assert usd_bn(1.5e12, 0) == "$1,500bn"
    assert usd_bn(math.inf) == "-"


def test_zone_rows_name_the_thresholds_in_effect() -> None:
    by_zone = {
        "complacency": {
            "days": 1200,
            "share": 0.6,
            "ann_return": 0.081,
            "ann_vol": 0.1,
            "sharpe": 0.81,
        },
        "panic": {"days": 40, "share": 0.02, "ann_return": math.nan, "ann_vol": 0.3, "sharpe": -1},
    }
    rows = zone_rows(by_zone, ZoneThresholds((14.0, 20.0, 25.0, 32.0)))
    assert all(len(r) == len(ZONE_HEADERS) for r in rows)
    assert rows[0] == ("Complacency (< 14)", "1,200", "60.0%", "8.10%", "10.00%", "0.810")
    assert rows[1][0] == "Panic (>= 32)" and rows[1][3] == "-"


def test_crisis_sentence_and_mixer() -> None:
    crisis = {
        "months": 12,
        "index_mean_monthly": -0.061,
        "strategy_mean_monthly": 0.0123,
        "strategy_hit_rate": 0.75,
    }
    assert crisis_alpha_text(crisis) == (
        "Crisis alpha: in the worst 12 index months (index -6.1% a month on average) the "
        "strategy made 1.23% a month, positive in 75% of them."
    )
    assert crisis_alpha_text(None) == NO_CRISIS_ALPHA
    base = {
        "cta_share": 0.0,
        "sharpe": 0.5,
        "ann_return": 0.06,
        "ann_vol": 0.12,
        "max_drawdown": -0.3,
    }
    mix = {
        "cta_share": 0.3,
        "sharpe": 0.62,
        "ann_return": 0.065,
        "ann_vol": 0.1,
        "max_drawdown": -0.2,
    }
    assert mixer_text(mix, base, "60/40 + CTA") == (
        "30% CTA sleeve: Sharpe 0.62 (+0.12), vol 10.0%, max drawdown -20.0% (60/40 + CTA)"
    )
    rows = mixer_rows([base, mix])
    assert all(len(r) == len(MIXER_HEADERS) for r in rows)
    assert rows[1] == ("30%", "0.620", "6.50%", "10.00%", "-20.00%")
