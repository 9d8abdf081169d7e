"""The one place for annualisation conventions."""

TRADING_DAYS = 252
"""Trading days per year used for Sharpe, volatility and return annualisation."""

RULE_OF_16_DAYS = 256
"""Days per year in the traders' rule of 16 (sqrt(256) = 16)."""
