-- 0002_complete_event_and_claim_rows: the fields of Event and Claim that 0001 did not keep, so that
-- an event or claim read back from its row equals the one stored (incremental fusion reads them back)
ALTER TABLE events ADD COLUMN gazetteer_id TEXT;
ALTER TABLE events ADD COLUMN date_evidence TEXT;
ALTER TABLE events ADD COLUMN date_source TEXT;
ALTER TABLE events ADD COLUMN trigger TEXT;
ALTER TABLE claims ADD COLUMN when_precision TEXT;
ALTER TABLE claims ADD COLUMN when_evidence TEXT;
ALTER TABLE claims ADD COLUMN when_source TEXT;
