import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: an append-only `events` table, the transactional `outbox`, the relay's
 * `dead_letters`, consumers' `inbox` and projection `checkpoints`.
 *
 * `transaction_id` records the writing transaction (xid8). Readers consume in (transaction_id, position)
 * order and only below the oldest transaction still in flight, so a transaction that commits late is
 * never skipped (a bigserial alone is assigned before commit and would be).
 */
export class CreateEventStore1764100000000 implements MigrationInterface {
  name = 'CreateEventStore1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        position            bigserial PRIMARY KEY,
        transaction_id      xid8 NOT NULL DEFAULT pg_current_xact_id(),
        id                  uuid NOT NULL,
        stream_id           text NOT NULL,
        stream_version      integer NOT NULL CHECK (stream_version > 0),
        type                text NOT NULL,
        schema_version      integer NOT NULL,
        occurred_at         timestamptz NOT NULL,
        recorded_at         timestamptz NOT NULL,
        municipality        text,
        actor_id            text NOT NULL,
        actor_role          text NOT NULL,
        correlation_id      uuid NOT NULL,
        causation_id        uuid,
        traceparent         text,
        processing_activity text NOT NULL,
        legal_basis         text NOT NULL,
        special_category    boolean NOT NULL DEFAULT false,
        payload             jsonb NOT NULL,
        prev_hash           text,
        hash                text NOT NULL,
        CONSTRAINT events_id_unique UNIQUE (id),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX events_commit_order ON events (transaction_id, position)`);
    await q.query(`
      CREATE TABLE outbox (
        id              bigserial PRIMARY KEY,
        event_id        uuid NOT NULL,
        topic           text NOT NULL,
        message_key     text NOT NULL,
        message_value   text,
        headers         jsonb NOT NULL DEFAULT '{}',
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX outbox_due ON outbox (next_attempt_at, id)`);
    await q.query(`CREATE INDEX outbox_key_order ON outbox (message_key, id)`);
    await q.query(`
      CREATE TABLE dead_letters (
        id            bigserial PRIMARY KEY,
        origin        text NOT NULL,
        topic         text NOT NULL,
        message_key   text,
        message_value text NOT NULL,
        headers       jsonb NOT NULL DEFAULT '{}',
        error_code    text NOT NULL,
        error         text NOT NULL,
        attempts      integer NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE inbox (
        consumer     text NOT NULL,
        message_id   text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await q.query(`
      CREATE TABLE checkpoints (
        name           text PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT '0',
        position       bigint NOT NULL DEFAULT 0,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    // The ledger is append-only: refuse UPDATE and DELETE at the database level, too.
    await q.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkpoints, inbox, dead_letters, outbox, events`);
    await q.query(`DROP FUNCTION events_append_only()`);
  }
}
