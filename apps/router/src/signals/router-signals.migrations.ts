import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The router's signal read model, fed from `signaalroute.signals.v1` (received, linked, dismissed) and
 * `signaalroute.cases.v1` (opened as or added to a case). The two topics are not ordered with respect to
 * each other, so a case event may arrive before the signal itself (on a rebuild, both replay at once): it
 * then leaves a row with only the case in it, which the `SignalReceived` fills in. Such a row has no
 * `source` yet and is invisible to readers. `status` is derived, so the order of the events cannot make it
 * wrong: afgewezen > in-behandeling > gekoppeld > nieuw (the same rule as `signalTriageStatus` in #domain).
 */
export class CreateRouterSignals1764200002000 implements MigrationInterface {
  name = 'CreateRouterSignals1764200002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE router_signals (
        signal_id         uuid PRIMARY KEY,
        municipality      text,
        source            text,
        theme             text,
        received_at       timestamptz,
        subject_id        uuid,
        case_id           uuid,
        dismissed         boolean NOT NULL DEFAULT false,
        reporter_relation text,
        wvggz             boolean,
        hints             jsonb NOT NULL DEFAULT '{}'::jsonb,
        received_position bigint,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        status            text NOT NULL GENERATED ALWAYS AS (
          CASE WHEN dismissed THEN 'afgewezen'
               WHEN case_id IS NOT NULL THEN 'in-behandeling'
               WHEN subject_id IS NOT NULL THEN 'gekoppeld'
               ELSE 'nieuw' END) STORED,
        CONSTRAINT router_signals_received_complete CHECK ((source IS NULL) = (municipality IS NULL) AND (source IS NULL) = (received_at IS NULL))
      )`);
    await q.query(`CREATE INDEX router_signals_statistics ON router_signals (municipality, received_at)`);
    await q.query(`CREATE INDEX router_signals_subject ON router_signals (subject_id) WHERE subject_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE router_signals`);
  }
}

/** Migrations of the router's signal read model (add them to the router app's migrations). */
export const ROUTER_SIGNALS_MIGRATIONS: Function[] = [CreateRouterSignals1764200002000];
