-- The API's own tables, applied by the store's migration runner after the store's migrations (see Hosting/LedgerDatabase.cs).

-- Keys created at run time through POST /api/keys. Only a SHA-256 of each key is kept, so a copy of this table
-- lets nobody in; revoked keys stay, so that their names keep explaining the recordedBy of the events they wrote.
create table ledger.api_keys (
    id uuid primary key,
    name text not null,
    roles text[] not null,
    key_hash bytea not null unique,
    created_at timestamptz not null,
    created_by text not null,
    revoked_at timestamptz
);

-- Finds the partnership that an earlier POST /api/partnerships with the same Idempotency-Key opened.
create index events_opening_idempotency_key on ledger.events (idempotency_key, recorded_by)
    where version = 1 and idempotency_key is not null;
