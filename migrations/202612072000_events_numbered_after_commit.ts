import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 30, no hot row: events are no longer numbered under the council row's lock
// inside the writing transaction. A write stores its events with a position and no number; one
// sequencer numbers them after commit (numberEvents in services/api/src/repositories/events.ts).
// Numbers already handed out stay as they are, so consumers' cursors and webhook deliveries remain valid.

export async function up(db: Kysely<any>): Promise<void> {
  // The order events were written in, which the sequencer numbers them in.
  await sql`create sequence events_pos_seq as bigint`.execute(db);
  // Added without a default first, so the existing (numbered) rows are not rewritten with positions.
  await sql`alter table events add column pos bigint`.execute(db);
  await sql`alter table events alter column pos set default nextval('events_pos_seq')`.execute(db);
  await sql`alter sequence events_pos_seq owned by events.pos`.execute(db);
  // A number is given once, after commit: until then it is null.
  await sql`alter table events drop constraint events_pk`.execute(db);
  await sql`alter table events alter column seq drop not null`.execute(db);
  // Partial: the numbers only. Pending events (null) sorting at the end of a council's range would
  // make the sequencer's max(seq) step over every one of them.
  await sql`create unique index events_seq_key on events (council_id, seq) where seq is not null`.execute(db);
  await sql`alter table events add constraint events_numbered_or_pending check (seq is not null or pos is not null)`.execute(db);
  // The sequencer's work list: small, since an event leaves it within moments of its commit.
  await sql`create index events_unnumbered_idx on events (pos) where seq is null`.execute(db);
  // The counter every write used to update: the hot row. The last number is max(seq) now.
  await sql`alter table councils drop column event_seq`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table councils add column event_seq bigint not null default 0 check (event_seq >= 0)`.execute(db);
  await sql`update councils c set event_seq = coalesce((select max(seq) from events e where e.council_id = c.id), 0)`.execute(db);
  await sql`drop index events_unnumbered_idx`.execute(db);
  await sql`alter table events drop constraint events_numbered_or_pending`.execute(db);
  await sql`drop index events_seq_key`.execute(db);
  // Anything still waiting for a number gets one, in the order the sequencer would have given.
  await sql`
    update events e set seq = w.seq
      from (select id, (select coalesce(max(seq), 0) from events x where x.council_id = p.council_id)
                         + row_number() over (partition by council_id order by pos) as seq
              from events p where seq is null) w
     where e.id = w.id`.execute(db);
  await sql`alter table events alter column seq set not null`.execute(db);
  await sql`alter table events add constraint events_pk primary key (council_id, seq)`.execute(db);
  await sql`alter table events drop column pos`.execute(db);
}
