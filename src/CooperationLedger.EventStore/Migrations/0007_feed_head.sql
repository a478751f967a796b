-- What the daemon's frontier reads on every poll, in one call (docs/benchmarks.md, session 7). It was a batch of
-- three statements that PostgreSQL parsed and planned on every poll, about 40 times a second under load: planning
-- alone took a third of the daemon's database time. Called as one prepared statement, the plans below are made
-- once per connection. The committed run is read with one range scan over the primary key, not a recursive query,
-- whose generic plan hashed the whole events table (docs/benchmarks.md, session 6).
create function ledger.feed_head(
    p_safe bigint,
    p_lock_class_id oid,
    p_lock_object_id oid,
    out last_issued bigint,
    out appends_in_flight text[],
    out committed_through bigint)
language plpgsql
as $$
begin
    -- In this order: every sequence value at or below the one read first was drawn by an append that already
    -- holds the append lock, so the lock holders read next include every one of them still in flight.
    select case when is_called then last_value else last_value - 1 end
      into last_issued
      from ledger.event_sequence;

    select coalesce(array_agg(l.virtualtransaction), '{}')
      into appends_in_flight
      from pg_locks l
     where l.locktype = 'advisory' and l.classid = p_lock_class_id and l.objid = p_lock_object_id
       and l.objsubid = 1 and l.granted
       -- pg_locks lists the whole cluster, and advisory keys are per database.
       and l.database = (select d.oid from pg_database d where d.datname = current_database());

    -- The committed sequences just above the mark, up to the first hole: in a run without holes each sequence is
    -- its row number above the mark. At most 10,000 a poll.
    select coalesce(max(run.sequence), p_safe)
      into committed_through
      from (select e.sequence, e.sequence - row_number() over (order by e.sequence) as offset_from_run
              from ledger.events e
             where e.sequence > p_safe and e.sequence <= p_safe + 10000) as run
     where run.offset_from_run = p_safe;
end;
$$;
