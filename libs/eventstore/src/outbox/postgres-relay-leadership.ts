import pg from 'pg';
import type { RelayLeadership } from './relay-leadership.js';

/** Session advisory lock the leading relay of a database holds on its own connection (7_318_002: ledger checkpointer, 7_318_003: migrations). */
export const RELAY_LEADER_LOCK = 7_318_001;
/** Channel on which the other processes of a database wake the leading relay after committing outbox rows. */
export const RELAY_WAKE_CHANNEL = 'signaalroute_outbox';

export interface PostgresRelayLeadershipOptions {
  databaseUrl: string;
  /** How often a process that does not lead tries to take over (and reconnects after losing its connection). Default 1,000 ms. */
  retryMs?: number;
  /** How long connecting may take before the attempt counts as failed. Default 5,000 ms. */
  connectTimeoutMs?: number;
  /**
   * False for a process that must never publish (`OUTBOX_RELAY_ENABLED=false`): it never takes the lock, but its
   * appends still wake the leader. Default true.
   */
  compete?: boolean;
  /** Told of the first failure of a run of them (a database that stays away is not reported every second). */
  onError?: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * Leadership of the outbox relays that share a PostgreSQL database, on one connection per process: the process
 * that holds a session advisory lock leads, LISTENs for wake-ups and publishes every process's outbox rows; the
 * others send a NOTIFY after committing rows and try to take the lock over once a second. Before, every process
 * ran rounds of its own, each a transaction that took a transaction-level lock (five statements), and a process
 * that found the lock taken tried again shortly: with three processes, more than a third of a flow's statements
 * at low rates.
 *
 * The lock lives as long as the connection. When it breaks, this process stops leading at once (a round already
 * under way finishes; what it publishes twice, consumers' inboxes ignore), and another process takes over at its
 * next try. Needs a session-level connection to PostgreSQL (not a pooler in transaction mode).
 */
export class PostgresRelayLeadership implements RelayLeadership {
  private client: pg.Client | null = null;
  private isLeading = false;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private listener: { onWake: () => void; onChange?: (leading: boolean) => void } | null = null;
  private wakeInFlight = false;
  private wakeAgain = false;
  /** Whether the last connection attempt or connection failed: only the first failure of a run is reported. */
  private failing = false;
  private readonly retryMs: number;

  constructor(private readonly options: PostgresRelayLeadershipOptions) {
    this.retryMs = options.retryMs ?? 1000;
  }

  get leading(): boolean {
    return this.isLeading;
  }

  async start(listener: { onWake: () => void; onChange?: (leading: boolean) => void }): Promise<void> {
    this.listener = listener;
    this.stopped = false;
    await this.attempt();
  }

  /**
   * One NOTIFY at a time: a wake-up asked for while one is on its way is sent after it (the leader may have read
   * the outbox in answer to the first before this process's rows committed), and any number of such requests
   * make that one NOTIFY.
   */
  wakeLeader(): void {
    if (this.isLeading || this.stopped || !this.client) return;
    if (this.wakeInFlight) {
      this.wakeAgain = true;
      return;
    }
    this.wakeInFlight = true;
    const client = this.client;
    client
      .query(`NOTIFY ${RELAY_WAKE_CHANNEL}`)
      .catch((error: unknown) => this.options.onError?.(error, { kind: 'relay-wake' }))
      .finally(() => {
        this.wakeInFlight = false;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wakeLeader();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    this.setLeading(false);
    // Closing the session releases the lock: another process leads from its next try.
    await client?.end().catch(() => undefined);
  }

  /** Connects if needed and tries the lock once; schedules the next try unless it now leads. */
  private async attempt(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    try {
      const client = this.client ?? (await this.connect());
      if (!client) return;
      if (this.options.compete === false) return;
      const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LEADER_LOCK]);
      if (r.rows[0]?.locked === true && client === this.client) {
        await client.query(`LISTEN ${RELAY_WAKE_CHANNEL}`);
        this.setLeading(true);
        return;
      }
    } catch (error) {
      this.failed(error);
      this.dropConnection();
    }
    this.scheduleAttempt();
  }

  /** A new connection, or null when `stop()` came while it was being made. */
  private async connect(): Promise<pg.Client | null> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: 'signaalroute-outbox-relay',
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000,
    });
    // Without a listener, a broken connection's 'error' would end the process.
    client.on('error', (error) => {
      if (this.client !== client) return;
      this.failed(error);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel === RELAY_WAKE_CHANNEL && this.isLeading && this.client === client) this.listener?.onWake();
    });
    try {
      await client.connect();
      // The server notices a leader whose host went away within about 25 s (by default the operating system's
      // keepalive would take two hours, holding the lock and so the outbox for as long). Ignored on a Unix socket.
      await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return null;
    }
    this.client = client;
    this.failing = false;
    return client;
  }

  private failed(error: unknown): void {
    if (!this.failing) this.options.onError?.(error, { kind: 'relay-leadership' });
    this.failing = true;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.dropConnection();
    this.scheduleAttempt();
  }

  private dropConnection(): void {
    const client = this.client;
    this.client = null;
    this.wakeInFlight = false;
    this.wakeAgain = false;
    this.setLeading(false);
    client?.end().catch(() => undefined);
  }

  private scheduleAttempt(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => void this.attempt(), this.retryMs);
    this.retryTimer.unref?.();
  }

  private setLeading(leading: boolean): void {
    if (this.isLeading === leading) return;
    this.isLeading = leading;
    this.listener?.onChange?.(leading);
  }
}
