-- The common group, cheaper (docs/benchmarks.md, session 9): planned appends of one event each to streams that
-- exist. ledger.append_group pays, on every call, for what only other groups need: starting streams, chaining
-- several events of one append, the per-append arrays of event counts, and the SET clauses that make PostgreSQL
-- save and restore settings around the call. Here the stream rows are locked, checked and advanced, the previous
-- hashes looked up and the events written and chained in one statement.
--
-- The premises are checked as in append_group, and a group is all or nothing as there, but a refused group is
-- refused with one code, LD007, whatever the premise: the engine then sends the group's appends one by one through
-- ledger.append_events, which says exactly which append was refused and why. An append whose stream moved on, is
-- missing, has another type or whose plan's event is not the one stored updates no stream row, so the group writes
-- fewer events than it has appends, and that is what is refused. The hash chain, recorded_at and the locks are as
-- in append_group.
--
-- The function leaves its statement's plan to the session: the engine's connections for planned appends force
-- generic plans, since with array parameters PostgreSQL would otherwise plan it afresh on every call.
create function ledger.append_single_events(
    p_inline_lock_keys bigint[],
    p_inline_projections text[],
    p_inline_generations bigint[],
    p_stream_ids uuid[],
    p_stream_types text[],
    p_expected_versions bigint[],
    p_expected_previous_hashes bytea[],
    p_event_ids uuid[],
    p_types text[],
    p_schema_versions integer[],
    p_data jsonb[],
    p_occurred_at timestamptz[],
    p_occurred_at_is_date boolean[],
    p_occurred_at_offset_minutes smallint[],
    p_sources jsonb[],
    p_body_digests bytea[],
    p_recorded_by text[],
    p_correlation_ids uuid[],
    p_causation_ids uuid[])
returns table (event_id uuid, sequence bigint, version bigint, hash bytea, recorded_at timestamptz)
language plpgsql
as $$
#variable_conflict use_column
declare
    v_appends integer := coalesce(cardinality(p_stream_ids), 0);
    v_written bigint;
begin
    perform pg_advisory_xact_lock_shared(keys.key) from unnest(p_inline_lock_keys) as keys(key);
    if exists (select
                 from unnest(p_inline_projections, p_inline_generations) as planned(name, generation)
                 left join ledger.projection_checkpoints c on c.name = planned.name
                where c.generation is distinct from planned.generation) then
        raise exception using errcode = 'LD005',
            message = 'ledger: an inline projection changed generation after the append was planned';
    end if;

    perform pg_advisory_xact_lock_shared(5495873993171927041);

    if v_appends = 0
        or not (0 < all (p_expected_versions))
        or cardinality(p_stream_types) is distinct from v_appends
        or cardinality(p_expected_versions) is distinct from v_appends
        or cardinality(p_expected_previous_hashes) is distinct from v_appends
        or cardinality(p_event_ids) is distinct from v_appends
        or cardinality(p_types) is distinct from v_appends
        or cardinality(p_schema_versions) is distinct from v_appends
        or cardinality(p_data) is distinct from v_appends
        or cardinality(p_occurred_at) is distinct from v_appends
        or cardinality(p_occurred_at_is_date) is distinct from v_appends
        or cardinality(p_occurred_at_offset_minutes) is distinct from v_appends
        or cardinality(p_sources) is distinct from v_appends
        or cardinality(p_body_digests) is distinct from v_appends
        or cardinality(p_recorded_by) is distinct from v_appends
        or cardinality(p_correlation_ids) is distinct from v_appends
        or cardinality(p_causation_ids) is distinct from v_appends then
        raise exception using errcode = 'LD004',
            message = 'ledger: a group of single events needs at least one append, each to a stream that exists, and one entry per append in every array';
    end if;

    -- The stream rows are found by key and matched to their appends by position, never joined (see 0006). In the
    -- WHERE clause s.version is the version before the append, in RETURNING the one after it.
    return query
    with advanced as (
        update ledger.streams s
           set version = s.version + 1,
               updated = greatest(clock_timestamp(), s.updated)
         where s.id = any(p_stream_ids)
           and s.version = p_expected_versions[array_position(p_stream_ids, s.id)]
           and s.type = p_stream_types[array_position(p_stream_ids, s.id)]
           and (p_expected_previous_hashes[array_position(p_stream_ids, s.id)] is null
                or p_expected_previous_hashes[array_position(p_stream_ids, s.id)]
                   = (select e.hash from ledger.events e where e.stream_id = s.id and e.version = s.version))
        returning array_position(p_stream_ids, s.id) as ordinal, s.id, s.version, s.updated,
                  nextval('ledger.event_sequence') as sequence,
                  coalesce(p_expected_previous_hashes[array_position(p_stream_ids, s.id)],
                           (select e.hash from ledger.events e where e.stream_id = s.id and e.version = s.version - 1)) as prev_hash
    )
    insert into ledger.events as e (
        sequence, event_id, stream_id, version, type, schema_version, data,
        occurred_at, occurred_at_is_date, occurred_at_offset_minutes,
        recorded_at, recorded_by, correlation_id, causation_id, idempotency_key,
        source, prev_hash, hash)
    select a.sequence, p_event_ids[a.ordinal], a.id, a.version, p_types[a.ordinal], p_schema_versions[a.ordinal], p_data[a.ordinal],
           p_occurred_at[a.ordinal], p_occurred_at_is_date[a.ordinal], p_occurred_at_offset_minutes[a.ordinal],
           a.updated, p_recorded_by[a.ordinal], p_correlation_ids[a.ordinal], p_causation_ids[a.ordinal], null,
           p_sources[a.ordinal], a.prev_hash,
           sha256(p_body_digests[a.ordinal] || int8send(a.version) || int8send(a.sequence)
                  || int8send((extract(epoch from a.updated) * 1000000)::bigint) || a.prev_hash)
      from advanced a
    returning e.event_id, e.sequence, e.version, e.hash, e.recorded_at;

    -- A stream named twice is advanced once, so it is refused here too.
    get diagnostics v_written = row_count;
    if v_written <> v_appends then
        raise exception using errcode = 'LD007',
            message = 'ledger: an append of the group was refused (its stream moved on, is missing or has another type, or its plan''s event is not stored); append them one by one to learn which and why';
    end if;
end;
$$;
