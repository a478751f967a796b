-- The version of each projection's read model as its tables were created. A projection whose code declares another
-- version (its tables or their meaning changed) gets fresh tables and is filled again; see docs/projections.md.

alter table ledger.projection_checkpoints
    add column version integer not null default 1 check (version > 0);
