-- Projection bookkeeping: one checkpoint row per projection and a dead-letter table for events a projection could
-- not apply. Read models themselves live in schema projections, one set of tables per generation
-- (<projection>__<table>__g<generation>), created by the engine; see docs/projections.md.

create schema if not exists projections;

create table ledger.projection_checkpoints (
    name text primary key,
    mode text not null check (mode in ('inline', 'async', 'live')),
    -- The generation readers use, and the last global sequence applied to it: every event at or below it is either
    -- applied or a hole left by a rolled-back append.
    generation bigint not null default 0 check (generation >= 0),
    position bigint not null default 0 check (position >= 0),
    state text not null default 'running' check (state in ('running', 'stopped', 'failed')),
    last_error text,
    last_error_at timestamptz,
    updated timestamptz not null default clock_timestamp(),
    -- A rebuild under way fills rebuild_generation from zero up to the head; then it replaces generation.
    rebuild_generation bigint check (rebuild_generation > generation),
    rebuild_position bigint,
    rebuild_events_done bigint,
    rebuild_started timestamptz,
    -- A generation replaced by a rebuild is dropped after a grace period, so readers holding its name finish.
    retired_generation bigint,
    retired_at timestamptz,
    constraint projection_checkpoints_rebuild_complete check (
        (rebuild_generation is null) = (rebuild_position is null)
        and (rebuild_generation is null) = (rebuild_events_done is null)
        and (rebuild_generation is null) = (rebuild_started is null))
);

create table ledger.projection_dead_letters (
    projection text not null,
    generation bigint not null,
    sequence bigint not null,
    event_id uuid not null,
    event_type text not null,
    error text not null,
    at timestamptz not null default clock_timestamp(),
    primary key (projection, generation, sequence)
);
