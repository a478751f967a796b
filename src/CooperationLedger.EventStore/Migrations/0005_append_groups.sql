-- Planned appends to several streams in one call, one statement per step for the whole group
-- instead of one per append (docs/projections.md, "Combined planned appends"). The engine
-- sends a group only when every append in it is planned, to a distinct stream, with a known
-- expected version and no idempotency key. A group is all or nothing: any refusal raises and
-- the engine appends the group's appends one by one through ledger.append_events, which then
-- says exactly which append was refused and why. So this function only needs to refuse, and
-- its checks are the same as append_events': generations (LD005), versions (LD001, also when
-- a stream to start exists), stream types (LD003) and the hash each plan was built on (LD006).
--
-- Per append: p_stream_ids … p_event_counts, in the order the engine sorted them (by stream
-- id, so that two groups lock shared streams in one order). Per event, the appends' events one
-- after another: p_event_ids … p_causation_ids. The hash chain, recorded_at and the shared
-- append lock are as in append_events.
create function ledger.append_group(
    p_inline_lock_keys bigint[],
    p_inline_projections text[],
    p_inline_generations bigint[],
    p_stream_ids uuid[],
    p_stream_types text[],
    p_expected_versions bigint[],
    p_expected_previous_hashes bytea[],
    p_event_counts integer[],
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
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
    v_appends integer := coalesce(cardinality(p_stream_ids), 0);
    v_events integer := coalesce(cardinality(p_event_ids), 0);
    v_previous_versions bigint[];
    v_append_recorded_at timestamptz[];
    v_types_match boolean;
    v_previous_hashes bytea[];
    v_sequences bigint[];
    v_stream_of_event uuid[];
    v_versions bigint[];
    v_recorded_at timestamptz[];
    v_prev_hashes bytea[];
    v_hashes bytea[];
    v_hash bytea;
    v_recorded_at_bytes bytea;
    v_event integer := 0;
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
        or cardinality(p_stream_types) is distinct from v_appends
        or cardinality(p_expected_versions) is distinct from v_appends
        or cardinality(p_expected_previous_hashes) is distinct from v_appends
        or cardinality(p_event_counts) is distinct from v_appends
        or (select sum(c) from unnest(p_event_counts) as counts(c)) is distinct from v_events::bigint
        or exists (select from unnest(p_event_counts) as counts(c) where c is null or c < 1)
        or (select count(distinct id) from unnest(p_stream_ids) as ids(id)) <> v_appends
        or cardinality(p_types) is distinct from v_events
        or cardinality(p_schema_versions) is distinct from v_events
        or cardinality(p_data) is distinct from v_events
        or cardinality(p_occurred_at) is distinct from v_events
        or cardinality(p_occurred_at_is_date) is distinct from v_events
        or cardinality(p_occurred_at_offset_minutes) is distinct from v_events
        or cardinality(p_sources) is distinct from v_events
        or cardinality(p_body_digests) is distinct from v_events
        or cardinality(p_recorded_by) is distinct from v_events
        or cardinality(p_correlation_ids) is distinct from v_events
        or cardinality(p_causation_ids) is distinct from v_events then
        raise exception using errcode = 'LD004',
            message = 'ledger: a group needs distinct streams, at least one event per append and one entry per event in every array';
    end if;

    -- Every stream row locked, read and advanced (or created, for an expected version of 0) in one statement. The
    -- rows are found by key and matched to their appends by position, never joined: with a few hundred streams the
    -- planner would otherwise scan them all, and every version of every row an append has left behind.
    with planned as (
        select *
          from unnest(p_stream_ids, p_stream_types, p_expected_versions, p_event_counts)
               with ordinality as planned(id, type, expected, count, ordinal)
    ),
    advanced as (
        update ledger.streams s
           set version = s.version + p_event_counts[array_position(p_stream_ids, s.id)],
               updated = greatest(clock_timestamp(), s.updated)
         where s.id = any(p_stream_ids) and p_expected_versions[array_position(p_stream_ids, s.id)] > 0
        returning array_position(p_stream_ids, s.id) as ordinal,
                  s.version - p_event_counts[array_position(p_stream_ids, s.id)] as previous, s.type, s.updated
    ),
    started as (
        insert into ledger.streams (id, type, version, created, updated)
        select planned.id, planned.type, planned.count, now_.at, now_.at
          from planned, lateral (select clock_timestamp() as at) as now_
         where planned.expected = 0
        on conflict (id) do nothing
        returning id, updated
    )
    select array_agg(coalesce(advanced.previous, case when started.id is not null then 0 end) order by planned.ordinal),
           array_agg(coalesce(advanced.updated, started.updated) order by planned.ordinal),
           bool_and(advanced.type is null or advanced.type = planned.type)
      into v_previous_versions, v_append_recorded_at, v_types_match
      from planned
      left join advanced on advanced.ordinal = planned.ordinal
      left join started on started.id = planned.id;

    if exists (select
                 from unnest(v_previous_versions, p_expected_versions) as checked(previous, expected)
                where checked.previous is distinct from checked.expected) then
        raise exception using errcode = 'LD001',
            message = 'ledger: a stream of the group is not at the version its append expected';
    end if;

    if not v_types_match then
        raise exception using errcode = 'LD003',
            message = 'ledger: a stream of the group has another type than its append names';
    end if;

    select array_agg(case when planned.previous = 0 then '\x'::bytea
                          else (select e.hash from ledger.events e where e.stream_id = planned.id and e.version = planned.previous)
                      end order by planned.ordinal)
      into v_previous_hashes
      from unnest(p_stream_ids, v_previous_versions) with ordinality as planned(id, previous, ordinal);

    if exists (select
                 from unnest(v_previous_hashes, p_expected_previous_hashes) as checked(stored, expected)
                where checked.stored is null
                   or (checked.expected is not null and checked.expected <> checked.stored)) then
        raise exception using errcode = 'LD006',
            message = 'ledger: an append of the group was planned on an event that is not stored';
    end if;

    select array_agg(nextval('ledger.event_sequence') order by n) into v_sequences from generate_series(1, v_events) as n;

    for a in 1 .. v_appends loop
        v_hash := v_previous_hashes[a];
        v_recorded_at_bytes := int8send((extract(epoch from v_append_recorded_at[a]) * 1000000)::bigint);
        for k in 1 .. p_event_counts[a] loop
            v_event := v_event + 1;
            v_stream_of_event[v_event] := p_stream_ids[a];
            v_versions[v_event] := v_previous_versions[a] + k;
            v_recorded_at[v_event] := v_append_recorded_at[a];
            v_prev_hashes[v_event] := v_hash;
            v_hash := sha256(
                p_body_digests[v_event]
                || int8send(v_previous_versions[a] + k)
                || int8send(v_sequences[v_event])
                || v_recorded_at_bytes
                || v_hash);
            v_hashes[v_event] := v_hash;
        end loop;
    end loop;

    return query
    insert into ledger.events as e (
        sequence, event_id, stream_id, version, type, schema_version, data,
        occurred_at, occurred_at_is_date, occurred_at_offset_minutes,
        recorded_at, recorded_by, correlation_id, causation_id, idempotency_key,
        source, prev_hash, hash)
    select u.sequence, u.event_id, u.stream_id, u.version, u.type, u.schema_version, u.data,
           u.occurred_at, u.occurred_at_is_date, u.occurred_at_offset_minutes,
           u.recorded_at, u.recorded_by, u.correlation_id, u.causation_id, null,
           u.source, u.prev_hash, u.hash
      from unnest(v_sequences, p_event_ids, v_stream_of_event, v_versions, p_types, p_schema_versions, p_data,
                  p_occurred_at, p_occurred_at_is_date, p_occurred_at_offset_minutes,
                  v_recorded_at, p_recorded_by, p_correlation_ids, p_causation_ids,
                  p_sources, v_prev_hashes, v_hashes)
           as u(sequence, event_id, stream_id, version, type, schema_version, data,
                occurred_at, occurred_at_is_date, occurred_at_offset_minutes,
                recorded_at, recorded_by, correlation_id, causation_id,
                source, prev_hash, hash)
    returning e.event_id, e.sequence, e.version, e.hash, e.recorded_at;
end;
$$;
