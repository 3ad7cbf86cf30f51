"""The warehouse's own errors."""

from littrack.errors import LittrackError


class WarehouseError(LittrackError):
    """The warehouse cannot be opened, upgraded, read or written."""


class WarehouseBusy(WarehouseError):
    """Another writer held the warehouse for longer than the lock timeout."""


class WarehouseUnwritable(WarehouseError):
    """The warehouse folder cannot be created or written: a configuration problem."""

    exit_code = 2
