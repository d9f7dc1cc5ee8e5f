import { lockEmbeddedFolder } from './embedded-folder-lock.js';
import { DataSource, type QueryRunner } from 'typeorm';
import { AsyncMutex } from './async-mutex.js';
import type { Database, SqlExecutor, SqlResult } from './sql-executor.js';
import { EVENT_STORE_MIGRATIONS } from '../migrations/index.js';

export interface DatabaseConfig {
  /** postgres://… — PostgreSQL through `pg`. Without it the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Folder for the embedded database (PGlite). Omit for in-memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** How long a new connection may take before the query that needed it fails (default 5,000 ms). */
  connectTimeoutMs?: number;
  /** Extra migrations (apps add their read-model tables). */
  migrations?: Function[];
}

class QueryRunnerExecutor implements SqlExecutor {
  constructor(private readonly runner: QueryRunner) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<SqlResult<T>> {
    const result = await this.runner.query(sql, params, true);
    return { rows: (result.records ?? []) as T[], rowCount: result.affected ?? 0 };
  }
}

/** Advisory lock key the processes of a deployment take turns on to migrate (the relay and checkpointer use 7_318_001/2). */
const MIGRATIONS_LOCK = 7_318_003;

/**
 * TypeORM-backed database: `pg` against PostgreSQL, or PGlite (Postgres compiled to WASM, in-process)
 * for the embedded default. Both speak the same SQL, so the event store has one code path.
 */
export class TypeOrmDatabase implements Database {
  private readonly mutex: AsyncMutex | null;
  /** Lets go of the embedded database's folder (`lockEmbeddedFolder`); nothing for PostgreSQL. */
  private releaseFolder: () => void = () => undefined;

  private constructor(
    readonly dataSource: DataSource,
    readonly kind: 'postgres' | 'pglite',
  ) {
    this.mutex = kind === 'pglite' ? new AsyncMutex() : null;
  }

  static async open(config: DatabaseConfig): Promise<TypeOrmDatabase> {
    const migrations = [...EVENT_STORE_MIGRATIONS, ...(config.migrations ?? [])];
    if (config.databaseUrl) {
      const ds = new DataSource({
        type: 'postgres',
        url: config.databaseUrl,
        migrations,
        migrationsTableName: 'schema_migrations',
        synchronize: false,
        logging: false,
        // A database that does not answer fails the query in time instead of holding it (and its caller) forever.
        connectTimeoutMS: config.connectTimeoutMs ?? 5000,
        extra: { max: config.poolSize ?? 20, keepAlive: true },
      });
      await ds.initialize();
      return new TypeOrmDatabase(ds, 'postgres');
    }
    const { PGliteDriver } = await import('typeorm-pglite');
    const release = config.dataDir ? lockEmbeddedFolder(config.dataDir) : () => undefined;
    const ds = new DataSource({
      type: 'postgres',
      driver: new PGliteDriver(config.dataDir ? { dataDir: config.dataDir } : {}).driver,
      migrations,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      logging: false,
    } as ConstructorParameters<typeof DataSource>[0]);
    try {
      await ds.initialize();
    } catch (error) {
      release();
      throw error;
    }
    const db = new TypeOrmDatabase(ds, 'pglite');
    db.releaseFolder = release;
    return db;
  }

  /**
   * Applies pending migrations. On PostgreSQL the processes of a deployment take turns (a session advisory
   * lock on a connection of its own): processes that start together on a fresh database would otherwise
   * create the same tables at once, and all but one would fail to start.
   */
  async migrate(): Promise<void> {
    if (this.kind === 'pglite') {
      await this.serial(() => this.dataSource.runMigrations({ transaction: 'each' }));
      return;
    }
    const lock = this.dataSource.createQueryRunner();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
      try {
        await this.dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]);
      }
    } finally {
      await lock.release();
    }
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<SqlResult<T>> {
    return this.serial(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        return await new QueryRunnerExecutor(runner).query<T>(sql, params);
      } finally {
        await runner.release();
      }
    });
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        const result = await work(new QueryRunnerExecutor(runner));
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.release();
      }
    });
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.releaseFolder();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.run(work) : work();
  }
}
