"""Fixtures shared by the test modules.

The spaCy pipeline, gazetteer and actor table load once per test session through one
:class:`sitrep.pipeline.Resources` (``res``); pass it on as ``resources=`` to
``sitrep.run`` / ``sitrep.analyse_paths`` (in-process, ``workers=1``) so that they reuse it.
A module that defines its own ``res`` or ``nlp`` fixture overrides these.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitrep.pipeline import Resources

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"     # the project's shared folder, beside the work tree when present


@pytest.fixture(scope="session")
def res() -> Resources:
    return Resources()


@pytest.fixture(scope="session")
def nlp(res):
    return res.nlp


@pytest.fixture(scope="session")
def rules():
    """The events stage's rules, read once."""
    from sitrep.extract import events as ev
    return ev.load_rules()


@pytest.fixture(scope="session")
def helpers(res):
    """The other stages' helpers the events stage uses, with the session's gazetteer."""
    from sitrep.extract import events as ev
    return ev.Helpers(gazetteer=res.gazetteer)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture()
def samples_copy(tmp_path) -> Path:
    """A private copy of the sample inputs (tests grow, shrink and edit it)."""
    dest = tmp_path / "samples"
    shutil.copytree(SAMPLES, dest)
    return dest


@pytest.fixture(scope="session")
def samples_db(tmp_path_factory, res) -> Path:
    """The samples run once through the whole pipeline into a database (read-only use)."""
    import sitrep
    folder = tmp_path_factory.mktemp("samples_db")
    inputs = folder / "samples"
    shutil.copytree(SAMPLES, inputs)
    db = folder / "samples.db"
    summary = sitrep.run([str(inputs)], db=str(db), workers=1, resources=res)
    assert summary.exit_code == 0, summary.quarantined
    return db
