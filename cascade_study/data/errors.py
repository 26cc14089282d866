"""The one error type the data layer raises."""


class DataError(ValueError):
    """A data file is missing, corrupt, or does not have the expected layout.

    The message always names the offending file (or directory) and the problem.
    """
