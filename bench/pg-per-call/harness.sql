-- Callers for ledger.append_group and ledger.append_single_events that pgbench can drive: each client appends one
-- visit to each stream of a group it keeps, at the streams' current versions, through the function named by
-- p_function. ledger_noop_group and ledger_noop_single_events have the same signatures and do nothing, so that the
-- caller's own cost can be taken away.
create table bench_groups (client integer primary key, stream_ids uuid[] not null);

create table bench_payload (data jsonb not null, source jsonb not null);

insert into bench_payload values (
    jsonb_build_object(
        'delegation', jsonb_build_object(
            'leader', 'Zhang Wei', 'title', 'Deputy Director',
            'organization', 'Jiading District Science and Technology Commission',
            'members', jsonb_build_array('Li Na', 'Wang Fang', 'Chen Jing', 'Liu Yang')),
        'location', 'CTO School campus, Shanghai',
        'topics', jsonb_build_array('joint curriculum', 'faculty exchange', 'industry projects', 'innovation lab'),
        'outcome', 'Both sides agreed to draft a memorandum of understanding covering course sharing and mutual visits.',
        'notes', repeat('x', 300)),
    '{"kind": "news-article", "title": "Delegation visit", "publishedOn": "2024-04-09"}');

create function ledger_noop_group(
    p_inline_lock_keys bigint[], p_inline_projections text[], p_inline_generations bigint[], p_stream_ids uuid[],
    p_stream_types text[], p_expected_versions bigint[], p_expected_previous_hashes bytea[], p_event_counts integer[],
    p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb[], p_occurred_at timestamptz[],
    p_occurred_at_is_date boolean[], p_occurred_at_offset_minutes smallint[], p_sources jsonb[], p_body_digests bytea[],
    p_recorded_by text[], p_correlation_ids uuid[], p_causation_ids uuid[])
returns table (event_id uuid, sequence bigint, version bigint, hash bytea, recorded_at timestamptz)
language plpgsql as $$ begin return; end $$;

create function ledger_noop_single_events(
    p_inline_lock_keys bigint[], p_inline_projections text[], p_inline_generations bigint[], p_stream_ids uuid[],
    p_stream_types text[], p_expected_versions bigint[], p_expected_previous_hashes bytea[],
    p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb[], p_occurred_at timestamptz[],
    p_occurred_at_is_date boolean[], p_occurred_at_offset_minutes smallint[], p_sources jsonb[], p_body_digests bytea[],
    p_recorded_by text[], p_correlation_ids uuid[], p_causation_ids uuid[])
returns table (event_id uuid, sequence bigint, version bigint, hash bytea, recorded_at timestamptz)
language plpgsql as $$ begin return; end $$;

create function bench_append_group(p_client integer, p_size integer, p_function text) returns bigint
language plpgsql as $$
declare
    v_ids uuid[];
    v_versions bigint[];
    v_data jsonb;
    v_source jsonb;
    v_appended bigint;
begin
    select g.stream_ids into v_ids from bench_groups g where g.client = p_client and cardinality(g.stream_ids) = p_size;
    if v_ids is null then
        delete from bench_groups where client = p_client;
        insert into bench_groups
        select p_client, array_agg(id order by id) from (select gen_random_uuid() as id from generate_series(1, p_size)) as ids
        returning stream_ids into v_ids;
    end if;

    select array_agg(coalesce(s.version, 0) order by ids.ordinal) into v_versions
      from unnest(v_ids) with ordinality as ids(id, ordinal)
      left join ledger.streams s on s.id = ids.id;
    select p.data, p.source into v_data, v_source from bench_payload p;
    if p_function like '%single_events' then
        if 0 = any (v_versions) then
            -- The streams are started once, the way the engine starts them.
            perform bench_append_group(p_client, p_size, 'ledger.append_group');
            select array_agg(s.version order by ids.ordinal) into v_versions
              from unnest(v_ids) with ordinality as ids(id, ordinal)
              join ledger.streams s on s.id = ids.id;
        end if;

        execute format('select count(*) from %s($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)', p_function)
           into v_appended
          using '{}'::bigint[], '{}'::text[], '{}'::bigint[], v_ids,
                array_fill('partnership'::text, array[p_size]), v_versions, array_fill(null::bytea, array[p_size]),
                (select array_agg(gen_random_uuid()) from generate_series(1, p_size)),
                array_fill('visit-held'::text, array[p_size]), array_fill(1, array[p_size]), array_fill(v_data, array[p_size]),
                array_fill(now(), array[p_size]), array_fill(false, array[p_size]), array_fill(null::smallint, array[p_size]),
                array_fill(v_source, array[p_size]), array_fill(sha256('visit'), array[p_size]), array_fill('bench'::text, array[p_size]),
                array_fill(null::uuid, array[p_size]), array_fill(null::uuid, array[p_size]);
        return v_appended;
    end if;

    execute format('select count(*) from %s($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)', p_function)
       into v_appended
      using '{}'::bigint[], '{}'::text[], '{}'::bigint[], v_ids,
            array_fill('partnership'::text, array[p_size]), v_versions, array_fill(null::bytea, array[p_size]),
            array_fill(1, array[p_size]), (select array_agg(gen_random_uuid()) from generate_series(1, p_size)),
            array_fill('visit-held'::text, array[p_size]), array_fill(1, array[p_size]), array_fill(v_data, array[p_size]),
            array_fill(now(), array[p_size]), array_fill(false, array[p_size]), array_fill(null::smallint, array[p_size]),
            array_fill(v_source, array[p_size]), array_fill(sha256('visit'), array[p_size]), array_fill('bench'::text, array[p_size]),
            array_fill(null::uuid, array[p_size]), array_fill(null::uuid, array[p_size]);
    return v_appended;
end;
$$;
