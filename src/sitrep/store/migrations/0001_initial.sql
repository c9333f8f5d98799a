-- 0001_initial: documents, analysis results, quarantine, runs, full-text search
CREATE TABLE documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    source TEXT,
    path TEXT,
    form TEXT,
    title TEXT,
    outlet TEXT,
    author TEXT,
    url TEXT,
    language TEXT,
    kind TEXT,
    published_earliest TEXT,
    published_latest TEXT,
    published_precision TEXT,
    published_source TEXT,
    text TEXT NOT NULL,
    boilerplate TEXT NOT NULL DEFAULT '[]',      -- JSON list of line spans
    comments_start INTEGER,
    comments TEXT,
    flags TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL,                          -- the full document JSON (without text)
    corpus_done INTEGER NOT NULL DEFAULT 0,      -- reuse and fusion have seen it
    run_id INTEGER,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX documents_path ON documents(path);
CREATE INDEX documents_pending ON documents(corpus_done);

CREATE TABLE inputs (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    run_id INTEGER,
    seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    record TEXT,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    run_id INTEGER,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source, record, code)
);

CREATE TABLE entities (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    role TEXT,
    actor_id TEXT,
    PRIMARY KEY (doc_id, id)
);
CREATE INDEX entities_name ON entities(name);
CREATE INDEX entities_actor ON entities(actor_id);

CREATE TABLE mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT,
    entity TEXT
);
CREATE INDEX mentions_doc ON mentions(doc_id);

CREATE TABLE places (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    name TEXT,
    gazetteer_id TEXT,
    admin1 TEXT,
    country TEXT,
    iso TEXT,
    lat REAL,
    lon REAL,
    precision TEXT
);
CREATE INDEX places_doc ON places(doc_id);

CREATE TABLE events (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    sub_type TEXT NOT NULL,
    date_earliest TEXT,
    date_latest TEXT,
    date_precision TEXT,
    date_text TEXT,
    location TEXT,
    admin1 TEXT,
    country TEXT,
    iso TEXT,
    lat REAL,
    lon REAL,
    geo_precision TEXT,
    actor1 TEXT,
    actor2 TEXT,
    fatalities INTEGER,
    injured INTEGER,
    attributed_to TEXT,
    hedged INTEGER NOT NULL DEFAULT 0,
    evidence TEXT,
    spans TEXT NOT NULL DEFAULT '[]',
    fused_id TEXT,
    PRIMARY KEY (doc_id, id)
);
CREATE INDEX events_date ON events(date_earliest);
CREATE INDEX events_fused ON events(fused_id);

CREATE TABLE claims (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    about TEXT,
    actor TEXT,
    place TEXT,
    when_earliest TEXT,
    when_latest TEXT,
    when_text TEXT,
    low REAL,
    high REAL,
    value_text TEXT,
    unit TEXT,
    attributed_to TEXT,
    hedged INTEGER NOT NULL DEFAULT 0,
    evidence TEXT,
    spans TEXT NOT NULL DEFAULT '[]',
    series_key TEXT,
    PRIMARY KEY (doc_id, id)
);

CREATE TABLE reuses (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    other_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    share REAL,
    evidence TEXT,
    passages TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (doc_id, other_id)
);

CREATE TABLE fused_events (
    id TEXT PRIMARY KEY,
    block TEXT NOT NULL,
    type TEXT NOT NULL,
    sub_type TEXT NOT NULL,
    date_earliest TEXT,
    date_latest TEXT,
    date_precision TEXT,
    location TEXT,
    admin1 TEXT,
    country TEXT,
    iso TEXT,
    lat REAL,
    lon REAL,
    geo_precision TEXT,
    actor1 TEXT,
    actor2 TEXT,
    fatalities INTEGER,
    injured INTEGER,
    n_sources INTEGER NOT NULL,
    hedged INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL                            -- the FusedEvent as JSON
);
CREATE INDEX fused_block ON fused_events(block);
CREATE INDEX fused_date ON fused_events(date_earliest);

CREATE TABLE series (
    key TEXT PRIMARY KEY,
    about TEXT,
    actor TEXT,
    place TEXT,
    unit TEXT,
    data TEXT NOT NULL
);

CREATE TABLE contradictions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value BLOB
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished TEXT,
    args TEXT,
    stats TEXT
);

CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='rowid');
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
  INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
