-- 0003_corpus_from_the_store: what the corpus stage needs to work from the store in bounded chunks
-- (reuse-index entries per document, fusion blocking keys per event mention) and a lookup by name.
CREATE INDEX IF NOT EXISTS documents_doc ON documents(doc);

CREATE TABLE reuse_signatures (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    doc TEXT NOT NULL,
    published_earliest TEXT,
    published_latest TEXT,
    bands BLOB NOT NULL,                          -- LSH band hashes, little-endian uint64
    wbands BLOB NOT NULL
);

CREATE TABLE event_blocks (
    block TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL
);
CREATE INDEX event_blocks_block ON event_blocks(block);
CREATE INDEX event_blocks_event ON event_blocks(doc_id, event_id);
