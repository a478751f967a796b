-- As in 0001, plus what a planned inline append needs checked before anything is written
-- (docs/projections.md, "Planned inline appends"). When p_inline_projections is given, the
-- inline projections' shared locks (p_inline_lock_keys) are taken first, as every inline
-- append takes them, so that a rebuild cannot swap a generation before the transaction ends,
-- and the append is refused (LD005) unless p_inline_generations are still the active ones.
-- When p_expected_previous_hash is given, it is refused (LD006) unless the stream's event at
-- the expected version has that hash: a projection that plans from a fold it remembers may
-- remember one left by a transaction that rolled back.
--
-- One round trip per append. The shared advisory lock (key 0x4C45444745520001, in pg_locks
-- classid 1279607879 / objid 1163001857 / objsubid 1) marks an append in flight until its
-- transaction ends, so a feed reader can tell a sequence hole that may still fill from one
-- left by a rollback. recorded_at is the server's clock_timestamp() when the stream row is
-- locked, never earlier than the stream's previous append, and shared by the append's events.
drop function ledger.append_events(uuid, text, bigint, boolean, uuid[], text[], integer[], jsonb[], timestamptz[], boolean[], smallint[], jsonb[], bytea[], text, uuid, uuid, text);

create function ledger.append_events(
    p_stream_id uuid,
    p_stream_type text,
    p_expected_version bigint,
    p_start_stream boolean,
    p_event_ids uuid[],
    p_types text[],
    p_schema_versions integer[],
    p_data jsonb[],
    p_occurred_at timestamptz[],
    p_occurred_at_is_date boolean[],
    p_occurred_at_offset_minutes smallint[],
    p_sources jsonb[],
    p_body_digests bytea[],
    p_recorded_by text,
    p_correlation_id uuid,
    p_causation_id uuid,
    p_idempotency_key text,
    p_inline_lock_keys bigint[] default null,
    p_inline_projections text[] default null,
    p_inline_generations bigint[] default null,
    p_expected_previous_hash bytea default null)
returns table (event_id uuid, sequence bigint, version bigint, hash bytea, recorded_at timestamptz, was_duplicate boolean)
language plpgsql
as $$
#variable_conflict use_column
declare
    v_count integer := coalesce(cardinality(p_event_ids), 0);
    v_previous_version bigint;
    v_stream_type text;
    v_recorded_at timestamptz;
    v_recorded_at_bytes bytea;
    v_previous_hash bytea;
    v_sequences bigint[];
    v_hashes bytea[];
    v_prev_hashes bytea[];
begin
    if p_inline_projections is not null then
        perform pg_advisory_xact_lock_shared(keys.key) from unnest(p_inline_lock_keys) as keys(key);
        if exists (select
                     from unnest(p_inline_projections, p_inline_generations) as planned(name, generation)
                     left join ledger.projection_checkpoints c on c.name = planned.name
                    where c.generation is distinct from planned.generation) then
            raise exception using errcode = 'LD005',
                message = 'ledger: an inline projection changed generation after the append was planned';
        end if;
    end if;

    perform pg_advisory_xact_lock_shared(5495873993171927041);

    if v_count = 0
        or cardinality(p_types) is distinct from v_count
        or cardinality(p_schema_versions) is distinct from v_count
        or cardinality(p_data) is distinct from v_count
        or cardinality(p_occurred_at) is distinct from v_count
        or cardinality(p_occurred_at_is_date) is distinct from v_count
        or cardinality(p_occurred_at_offset_minutes) is distinct from v_count
        or cardinality(p_sources) is distinct from v_count
        or cardinality(p_body_digests) is distinct from v_count then
        raise exception using errcode = 'LD004',
            message = 'ledger: an append needs at least one event and one entry per event in every array';
    end if;

    -- Claimed first: a racing retry waits on this key until the first try commits (and then
    -- returns its events) or rolls back (and then goes ahead itself).
    if p_idempotency_key is not null then
        insert into ledger.idempotency_keys (stream_id, idempotency_key, recorded_at)
        values (p_stream_id, p_idempotency_key, clock_timestamp())
        on conflict do nothing;
        if not found then
            return query
                select e.event_id, e.sequence, e.version, e.hash, e.recorded_at, true
                  from ledger.events e
                 where e.stream_id = p_stream_id and e.idempotency_key = p_idempotency_key
                 order by e.version;
            return;
        end if;
    end if;

    -- Lock, read and advance the stream row in one statement; a failed check below rolls it back.
    loop
        if not p_start_stream then
            update ledger.streams s
               set version = s.version + v_count,
                   updated = greatest(clock_timestamp(), s.updated)
             where s.id = p_stream_id
            returning s.version - v_count, s.type, s.updated
                 into v_previous_version, v_stream_type, v_recorded_at;
            exit when found;
        end if;

        v_recorded_at := clock_timestamp();
        insert into ledger.streams (id, type, version, created, updated)
        values (p_stream_id, p_stream_type, v_count, v_recorded_at, v_recorded_at)
        on conflict (id) do nothing;
        if found then
            v_previous_version := 0;
            v_stream_type := p_stream_type;
            exit;
        end if;

        if p_start_stream then
            raise exception using errcode = 'LD002',
                message = format('ledger: stream %s already exists', p_stream_id);
        end if;
        -- Another append created the stream meanwhile: go round and update it.
    end loop;

    if p_expected_version is not null and p_expected_version <> v_previous_version then
        raise exception using errcode = 'LD001',
            message = format('ledger: stream %s expected version %s but actual version %s', p_stream_id, p_expected_version, v_previous_version);
    end if;

    if v_stream_type <> p_stream_type then
        raise exception using errcode = 'LD003',
            message = format('ledger: stream %s has type %s, not %s', p_stream_id, v_stream_type, p_stream_type);
    end if;

    if v_previous_version = 0 then
        v_previous_hash := '\x'::bytea;
    else
        select e.hash into v_previous_hash
          from ledger.events e
         where e.stream_id = p_stream_id and e.version = v_previous_version;
    end if;

    if p_expected_previous_hash is not null and p_expected_previous_hash <> v_previous_hash then
        raise exception using errcode = 'LD006',
            message = format('ledger: the append was planned on an event of stream %s at version %s that is not stored', p_stream_id, v_previous_version);
    end if;

    v_recorded_at_bytes := int8send((extract(epoch from v_recorded_at) * 1000000)::bigint);
    for i in 1 .. v_count loop
        v_sequences[i] := nextval('ledger.event_sequence');
        v_prev_hashes[i] := v_previous_hash;
        v_previous_hash := sha256(
            p_body_digests[i]
            || int8send(v_previous_version + i)
            || int8send(v_sequences[i])
            || v_recorded_at_bytes
            || v_previous_hash);
        v_hashes[i] := v_previous_hash;
    end loop;

    return query
    insert into ledger.events as e (
        sequence, event_id, stream_id, version, type, schema_version, data,
        occurred_at, occurred_at_is_date, occurred_at_offset_minutes,
        recorded_at, recorded_by, correlation_id, causation_id, idempotency_key,
        source, prev_hash, hash)
    select u.sequence, u.event_id, p_stream_id, v_previous_version + u.ordinal, u.type, u.schema_version, u.data,
           u.occurred_at, u.occurred_at_is_date, u.occurred_at_offset_minutes,
           v_recorded_at, p_recorded_by, p_correlation_id, p_causation_id, p_idempotency_key,
           u.source, u.prev_hash, u.hash
      from unnest(v_sequences, p_event_ids, p_types, p_schema_versions, p_data,
                  p_occurred_at, p_occurred_at_is_date, p_occurred_at_offset_minutes,
                  p_sources, v_prev_hashes, v_hashes)
           with ordinality as u(sequence, event_id, type, schema_version, data,
                                occurred_at, occurred_at_is_date, occurred_at_offset_minutes,
                                source, prev_hash, hash, ordinal)
    returning e.event_id, e.sequence, e.version, e.hash, e.recorded_at, false;
end;
$$;
