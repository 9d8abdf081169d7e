"""The CTA-sleeve shares the allocation mixer reports (one fact for the engine and the
Statistics dock's slider)."""

from __future__ import annotations

MIXER_MAX_SLEEVE_PCT = 50
"""The CTA-sleeve mixer's range: 0% to this share of the portfolio."""
MIXER_TABLE = tuple(x / 100 for x in range(0, MIXER_MAX_SLEEVE_PCT + 1, 10))
"""Sleeves shown in tables (0%, 10%, ... 50%)."""
MIXER_STEPS = tuple(x / 100 for x in range(0, MIXER_MAX_SLEEVE_PCT + 1))
"""Sleeves in 1% steps (the Statistics dock's slider)."""
