"""The study universe (SEED_STUDY.md, "decisions"): BTC plus 15 liquid alts.

FTM has no perp klines in the staged data, so its spot series is used; UNI uses its perp series,
gaps included (never patched with spot).
"""

BTC = "BTC"
ALTS = ("ETH", "SOL", "XRP", "DOGE", "BNB", "ADA", "AVAX", "LINK", "DOT", "LTC", "UNI", "ATOM",
        "NEAR", "FIL", "FTM")
UNIVERSE = (BTC, *ALTS)
#: market of the kline series used for each symbol ("perp" unless listed here)
SPOT_ONLY = frozenset({"FTM"})
EXCHANGES = ("binance", "bybit", "hyperliquid")


def market_of(symbol: str) -> str:
    """'spot' for symbols whose staged klines are spot-only, else 'perp'."""
    return "spot" if symbol in SPOT_ONLY else "perp"
