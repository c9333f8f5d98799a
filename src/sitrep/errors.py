"""The error catalogue: every user-facing message lives here, with a code.

Messages say what went wrong, where (file, line or record) and what to do.  Raise
``SitrepError("E101", path=..., reason=...)``; the code selects the template.
Stages that meet a bad *document* do not raise: they return a :class:`sitrep.model.Quarantined`
built with :func:`quarantine`, and the run goes on.
"""
from __future__ import annotations


class Errors:
    # usage and configuration (1xx)
    E101 = "Input path {path!r} does not exist. Check the spelling or pass a folder, a file, a glob or '-' for stdin."
    E102 = "Unknown pipeline stage {name!r}. Registered stages: {known}."
    E103 = "Stage {name!r} reads {field!r}, which no earlier stage writes and the input does not provide. Add a stage that writes it before {name!r}."
    E104 = "The spaCy pipeline {name!r} (setting SITREP_SPACY_MODEL) is not installed. Install the project with its install step (see README), or set SITREP_SPACY_MODEL to an installed pipeline."
    E105 = "Unknown export format {fmt!r}. Choose one of: {known}."
    E106 = "Database {path!r} could not be opened: {reason}. Check the path and its permissions."
    E107 = "Database {path!r} has schema version {found}, newer than this sitrep ({known}). Upgrade sitrep to read it."
    E108 = "Gold folder {path!r} holds no gold files (*.json). Point sitrep eval at a folder of document-JSON gold files."
    E109 = "Gold file {path!r} is not valid document JSON: {reason}."
    E110 = "Unknown engine {name!r}. Choose 'local' or 'spark'."
    E111 = "The Spark engine needs pyspark: install it with `pip install -e .[spark]`."
    E112 = "Invalid option {option}: {reason}."
    E113 = "Duplicate stage name {name!r}: each stage is registered once."
    E114 = "The search {query!r} is not valid full-text query syntax ({reason}). Put words in double quotes to search for them as written."
    E115 = "No {what} with id {id!r} in this database. Check the link, or go back to the list."
    # input (2xx): quarantine reasons
    E201 = "cannot read file: {reason}"
    E202 = "empty file (0 bytes)"
    E203 = "binary content, not text (looks like {what})"
    E204 = "could not decode text: {reason}"
    E205 = "no article text found after extraction"
    E206 = "malformed HTML: {reason}"
    E207 = "malformed JSON at {where}: {reason}"
    E208 = "JSON record has no usable text field (looked for: {fields})"
    E209 = "malformed WARC: {reason}"
    E210 = "malformed XML feed: {reason}"
    E211 = "feed has no entries with content"
    E212 = "input exceeds the size limit ({size} > {limit} bytes); raise SITREP_MAX_BYTES to read it"
    E213 = "compressed input inflates past the limit ({limit} bytes): refusing a possible decompression bomb"
    E214 = "unsupported input type {suffix!r}"
    E215 = "feed uses an XML entity declaration (DTD); refused as unsafe"
    E216 = "field {field!r} has the wrong type ({got}); expected {expected}"
    E217 = "symbolic link loop or unreachable link target"
    E218 = "reader failed on this input ({reason}); please report it with the file"
    # stage failures (3xx)
    E301 = "stage {stage!r} failed on this document: {reason}"
    E302 = "document language is {lang!r}: stored and flagged, not analysed as English"
    E303 = "the analysed document could not be stored ({reason}): a stage made a record the database refuses; please report it with the file"


class SitrepError(Exception):
    """A user-facing error with a catalogue code."""

    def __init__(self, code: str, **kwargs):
        self.code = code
        self.kwargs = kwargs
        template = getattr(Errors, code)
        super().__init__(f"[{code}] " + template.format(**kwargs))

    def __reduce__(self):
        # picklable, so that an error raised in a worker process reaches the parent intact
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls, args, state):
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class InputError(SitrepError):
    """Raised by an ingest reader for one bad file or record; caught and quarantined."""

    def __init__(self, code: str, *, source: str, record: str | None = None, **kwargs):
        self.source = source
        self.record = record
        super().__init__(code, **kwargs)

    @property
    def reason(self) -> str:
        return getattr(Errors, self.code).format(**self.kwargs)


def message(code: str, **kwargs) -> str:
    return getattr(Errors, code).format(**kwargs)


def quarantine(source: str, code: str, *, record: str | None = None, **kwargs):
    from .model import Quarantined
    return Quarantined(source=source, record=record, code=code, reason=message(code, **kwargs))
