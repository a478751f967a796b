-- ledger.append_group as in 0005, in fewer statements (docs/benchmarks.md, session 6). The
-- checks, their order, their error codes and what is written are unchanged. Measured on the
-- group's own cost: each statement a PL/pgSQL function runs pays for its executor start-up,
-- and with arrays of unknown size the planner chose hash joins, whose tables cost more to set
-- up than the few rows of a group cost to match. So:
--   * the versions, the stream types and the hashes the plans were built on are read and
--     judged in the statement that locks and advances the stream rows, not in three more;
--   * each event's sequence is drawn in the loop that chains the hashes, in event order;
--   * hash joins are off for the function (nested loops over a group's few rows).
create or replace function ledger.append_group(
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
set enable_hashjoin = off
as $$
#variable_conflict use_column
declare
    v_appends integer := coalesce(cardinality(p_stream_ids), 0);
    v_events integer := coalesce(cardinality(p_event_ids), 0);
    v_previous_versions bigint[];
    v_append_recorded_at timestamptz[];
    v_types_match boolean;
    v_versions_match boolean;
    v_hashes_match boolean;
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
          from unnest(p_stream_ids, p_stream_types, p_expected_versions, p_expected_previous_hashes)
               with ordinality as planned(id, type, expected, expected_hash, ordinal)
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
        select planned.id, planned.type, p_event_counts[planned.ordinal], now_.at, now_.at
          from planned, lateral (select clock_timestamp() as at) as now_
         where planned.expected = 0
        on conflict (id) do nothing
        returning id, updated
    ),
    checked as (
        select planned.ordinal, planned.id, planned.type, planned.expected, planned.expected_hash,
               coalesce(advanced.previous, case when started.id is not null then 0 end) as previous,
               coalesce(advanced.updated, started.updated) as updated,
               advanced.type as stored_type
          from planned
          left join advanced on advanced.ordinal = planned.ordinal
          left join started on started.id = planned.id
    )
    select array_agg(checked.previous order by checked.ordinal),
           array_agg(checked.updated order by checked.ordinal),
           array_agg(stored.hash order by checked.ordinal),
           bool_and(checked.previous is not distinct from checked.expected),
           bool_and(checked.stored_type is null or checked.stored_type = checked.type),
           bool_and(stored.hash is not null and (checked.expected_hash is null or checked.expected_hash = stored.hash))
      into v_previous_versions, v_append_recorded_at, v_previous_hashes, v_versions_match, v_types_match, v_hashes_match
      from checked
      left join lateral (select case when checked.previous = 0 then '\x'::bytea
                                     else (select e.hash from ledger.events e where e.stream_id = checked.id and e.version = checked.previous)
                                 end as hash) as stored on true;

    if not v_versions_match then
        raise exception using errcode = 'LD001',
            message = 'ledger: a stream of the group is not at the version its append expected';
    end if;

    if not v_types_match then
        raise exception using errcode = 'LD003',
            message = 'ledger: a stream of the group has another type than its append names';
    end if;

    if not v_hashes_match then
        raise exception using errcode = 'LD006',
            message = 'ledger: an append of the group was planned on an event that is not stored';
    end if;

    for a in 1 .. v_appends loop
        v_hash := v_previous_hashes[a];
        v_recorded_at_bytes := int8send((extract(epoch from v_append_recorded_at[a]) * 1000000)::bigint);
        for k in 1 .. p_event_counts[a] loop
            v_event := v_event + 1;
            v_sequences[v_event] := nextval('ledger.event_sequence');
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
