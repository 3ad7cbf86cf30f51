"""The DuckDB warehouse: versioned schema, idempotent loads by PMID, runs and cursors.

Analysts read the published snapshot (`Warehouse.read()`); one writer at a time works on a
private store and publishes it atomically when it is done (`Warehouse.write()`).
"""

from littrack.warehouse.errors import WarehouseBusy, WarehouseError, WarehouseUnwritable
from littrack.warehouse.files import remove_warehouse
from littrack.warehouse.merge import LoadCounts
from littrack.warehouse.session import Cursor, Run, Warehouse, WriteSession

__all__ = [
    "Cursor",
    "LoadCounts",
    "Run",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseError",
    "WarehouseUnwritable",
    "WriteSession",
    "remove_warehouse",
]
