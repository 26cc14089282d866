"""Market data for the cascade study: the `MarketData` container and its loaders.

``load_market_data()`` loads the bundled exact copy of ../shared/data; ``load_market_data(dir)``
reads a ../shared/data-style directory or a data.binance.vision download tree.
"""

from .errors import DataError
from .loaders import (
                      load_binance_vision,
                      load_bundled,
                      load_market_data,
                      load_shared,
                      read_vision_funding,
                      read_vision_klines,
)
from .market import PANELS, MarketData
from .universe import ALTS, BTC, SPOT_ONLY, UNIVERSE, market_of

__all__ = ["DataError", "MarketData", "PANELS", "load_market_data", "load_bundled", "load_shared",
           "load_binance_vision", "read_vision_klines", "read_vision_funding", "UNIVERSE", "BTC",
           "ALTS", "SPOT_ONLY", "market_of"]
