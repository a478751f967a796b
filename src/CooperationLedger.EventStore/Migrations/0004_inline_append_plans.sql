-- Lets an inline projection write its rows in the same round trip and implicit transaction as the append itself
-- (docs/projections.md, "Planned inline appends"). The projection plans its rows from the events about to be appended
-- and from what it folded before; this statement, sent first, confirms both premises or refuses the whole batch:
-- the generations planned for are the current ones (held by the same shared lock every inline append takes, so a
-- rebuild cannot swap them before the batch ends), and the stream's event at the version planned on is the one the
-- projection folded (its hash), not one from a transaction that rolled back. The caller then appends the usual way.
create function ledger.hold_inline_plan(
    p_lock_keys bigint[],
    p_projections text[],
    p_generations bigint[],
    p_stream_id uuid,
    p_previous_version bigint,
    p_previous_hash bytea)
returns void
language plpgsql
as $$
begin
    perform pg_advisory_xact_lock_shared(keys.key) from unnest(p_lock_keys) as keys(key);

    if exists (select
                 from unnest(p_projections, p_generations) as planned(name, generation)
                 left join ledger.projection_checkpoints c on c.name = planned.name
                where c.generation is distinct from planned.generation) then
        raise exception using errcode = 'LD005',
            message = 'ledger: an inline projection changed generation after the append was planned';
    end if;

    if p_previous_hash is not null and p_previous_version > 0 and not exists (
        select
          from ledger.events e
         where e.stream_id = p_stream_id and e.version = p_previous_version and e.hash = p_previous_hash) then
        raise exception using errcode = 'LD006',
            message = format('ledger: the append was planned on an event of stream %s at version %s that is not stored', p_stream_id, p_previous_version);
    end if;
end;
$$;
