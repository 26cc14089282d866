"""The worked case: do crypto liquidation cascades leave alpha, or leveraged BTC beta?"""

__version__ = "0.1.0"
