"""sitrep: a source-cited picture of armed conflict from raw news.

The documented Python API lives in :mod:`sitrep.api` and is re-exported here.
"""
from .api import RunSummary, analyse_paths, brief, evaluate_folder, export, run, stats, update_corpus

__version__ = "0.1.0"
__all__ = ["RunSummary", "analyse_paths", "brief", "evaluate_folder", "export", "run", "stats", "update_corpus",
           "__version__"]
