"""The SQLite store: one file, WAL, named migrations, FTS5 over titles and text."""
from .db import Store, open_store

__all__ = ["Store", "open_store"]
