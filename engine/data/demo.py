"""The embedded demo universe: deterministic synthetic markets labelled "DEMO (synthetic)".

About twenty futures-like instruments in four sectors, an equity index and a VIX-like
series, over 33 years of business days. One latent volatility process with rare spikes
drives the equity index; the VIX-like series is built from that volatility (so it tracks
realised vol and spikes with it); trending regimes give trend followers something to find.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from engine.annualisation import TRADING_DAYS
from engine.data import DEMO_SOURCE
from engine.data.store import MarketStore, SeriesMeta
from engine.jobs import Job, Progress

DEMO_SEED = 20240805
DEMO_START = "1993-01-04"
DEMO_END = "2025-12-31"


@dataclass(frozen=True)
class DemoInstrument:
    symbol: str
    sector: str
    start_price: float
    vol: float  # annualised
    equity_beta: float  # loading on the equity factor
    sector_loading: float  # loading on its own sector factor


INSTRUMENTS: tuple[DemoInstrument, ...] = (
    DemoInstrument("DEMO_ES", "equity", 450.0, 0.17, 1.0, 0.2),
    DemoInstrument("DEMO_NQ", "equity", 700.0, 0.24, 1.2, 0.4),
    DemoInstrument("DEMO_FESX", "equity", 1800.0, 0.20, 0.9, 0.5),
    DemoInstrument("DEMO_NKD", "equity", 17000.0, 0.22, 0.7, 0.7),
    DemoInstrument("DEMO_RTY", "equity", 250.0, 0.22, 1.1, 0.4),
    DemoInstrument("DEMO_ZN", "bonds", 105.0, 0.06, -0.25, 0.9),
    DemoInstrument("DEMO_ZB", "bonds", 110.0, 0.11, -0.30, 0.9),
    DemoInstrument("DEMO_ZF", "bonds", 104.0, 0.04, -0.20, 0.9),
    DemoInstrument("DEMO_BUND", "bonds", 95.0, 0.06, -0.20, 0.7),
    DemoInstrument("DEMO_EUR", "fx", 1.15, 0.09, 0.10, 0.7),
    DemoInstrument("DEMO_JPY", "fx", 0.0080, 0.10, -0.25, 0.6),
    DemoInstrument("DEMO_GBP", "fx", 1.55, 0.09, 0.15, 0.6),
    DemoInstrument("DEMO_AUD", "fx", 0.72, 0.11, 0.35, 0.6),
    DemoInstrument("DEMO_CL", "commodities", 20.0, 0.35, 0.30, 0.6),
    DemoInstrument("DEMO_NG", "commodities", 2.2, 0.50, 0.10, 0.4),
    DemoInstrument("DEMO_GC", "commodities", 350.0, 0.16, -0.05, 0.5),
    DemoInstrument("DEMO_HG", "commodities", 1.0, 0.24, 0.40, 0.5),
    DemoInstrument("DEMO_ZC", "commodities", 250.0, 0.24, 0.05, 0.5),
    DemoInstrument("DEMO_ZS", "commodities", 600.0, 0.22, 0.05, 0.5),
    DemoInstrument("DEMO_SI", "commodities", 5.0, 0.28, 0.10, 0.6),
)
INDEX_SYMBOL = "DEMO_SPX"
VIX_SYMBOL = "DEMO_VIX"


def _equity_volatility(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Daily annualised vol (mean-reverting log-vol plus rare, fast-decaying crisis spikes)
    and its standardised innovations (used to make returns fall when vol jumps)."""
    log_base = np.log(0.15)
    shocks = rng.standard_normal(n)
    spikes = np.where(rng.random(n) < 0.8 / TRADING_DAYS, rng.uniform(0.35, 1.0, n), 0.0)
    log_vol = np.empty(n)
    log_vol[0] = log_base
    for t in range(1, n):  # AR(1) in log-vol with jumps (n ~ 8600: fast enough in Python)
        mean_revert = 0.035 * (log_base - log_vol[t - 1])
        log_vol[t] = log_vol[t - 1] + mean_revert + 0.045 * shocks[t] + spikes[t]
    innovation = shocks + np.minimum(spikes / 0.045, 5.0)  # a spike day is a crash day
    innovation = (innovation - innovation.mean()) / innovation.std()
    return np.clip(np.exp(log_vol), 0.07, 1.1), innovation


def _trend_drifts(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Per-instrument annual drifts that switch regime every few months (trends to follow)."""
    drifts = np.empty((n, k))
    current = rng.normal(0.0, 0.6, k)
    for t in range(n):
        switch = rng.random(k) < 1.0 / 200.0
        current = np.where(switch, rng.normal(0.0, 0.6, k), current)
        drifts[t] = current
    return drifts


def demo_universe(seed: int = DEMO_SEED) -> dict[str, tuple[str, str, pd.DataFrame]]:
    """symbol -> (kind, sector, close-price frame); identical for identical seeds."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(DEMO_START, DEMO_END, name="date")
    n = len(dates)
    sigma, vol_innovation = _equity_volatility(rng, n)
    daily = np.concatenate([[sigma[0]], sigma[:-1]]) / np.sqrt(TRADING_DAYS)  # known ex ante
    rho = -0.7  # leverage effect: prices fall when volatility jumps
    equity_z = rho * vol_innovation + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    equity_ret = 0.08 / TRADING_DAYS + daily * equity_z
    out: dict[str, tuple[str, str, pd.DataFrame]] = {}
    index = 450.0 * np.exp(np.cumsum(equity_ret - 0.5 * daily**2))
    out[INDEX_SYMBOL] = ("index", "equity", pd.DataFrame({"close": index}, index=dates))
    noise = np.exp(rng.standard_normal(n) * 0.04)
    vix = (100.0 * sigma * 1.08 + 1.8) * noise  # implied above realised: variance premium
    vix_frame = pd.DataFrame({"close": np.round(vix, 2)}, index=dates)
    out[VIX_SYMBOL] = ("vix", "volatility", vix_frame)

    sectors = sorted({i.sector for i in INSTRUMENTS})
    sector_z = {s: rng.standard_normal(n) for s in sectors}
    drifts = _trend_drifts(rng, n, len(INSTRUMENTS))
    stress = np.clip(daily * np.sqrt(TRADING_DAYS) / 0.15, 0.5, 4.0)  # crises lift every vol
    for j, inst in enumerate(INSTRUMENTS):
        own = rng.standard_normal(n)
        common = inst.equity_beta * equity_z + inst.sector_loading * sector_z[inst.sector]
        scale = np.sqrt(1.0 + inst.equity_beta**2 + inst.sector_loading**2)
        z = (common + own) / scale
        vol_t = inst.vol / np.sqrt(TRADING_DAYS) * np.sqrt(stress)
        ret = drifts[:, j] * inst.vol / TRADING_DAYS + vol_t * z
        price = inst.start_price * np.exp(np.cumsum(ret))
        frame = pd.DataFrame({"close": _round_price(price)}, index=dates)
        out[inst.symbol] = ("future", inst.sector, frame)
    return out


def _round_price(price: np.ndarray) -> np.ndarray:
    """Round to about five significant figures of the series' typical level (a tick size)."""
    digits = int(np.clip(4 - np.floor(np.log10(np.median(np.abs(price)))), 0, 8))
    return np.round(price, digits)


def load_demo_job(store: MarketStore, seed: int = DEMO_SEED) -> Job[list[str]]:
    """Job: generate the demo universe and write it to ``store`` in one transaction."""
    yield Progress(5.0, "Generating the demo universe (synthetic)")
    universe = demo_universe(seed)
    yield Progress(60.0, f"Writing {len(universe)} demo series")
    items = [
        (
            SeriesMeta(
                symbol=symbol,
                kind=kind,
                source=DEMO_SOURCE,
                currency="USD",
                notes=f"sector: {sector}; synthetic, seed {seed}",
            ),
            frame,
        )
        for symbol, (kind, sector, frame) in universe.items()
    ]
    store.write(items)
    yield Progress(100.0, "Demo universe loaded")
    return list(universe)


@cache
def _universe() -> dict[str, tuple[str, str, pd.DataFrame]]:
    return demo_universe()


def demo_closes(kinds: tuple[str, ...] = ("future", "index")) -> pd.DataFrame:
    """Closes of the demo series of these kinds (default: the futures and the equity index),
    generated in memory without touching the store."""
    universe = _universe()
    return pd.concat(
        {s: frame["close"] for s, (kind, _, frame) in universe.items() if kind in kinds}, axis=1
    )
