/**
 * The auditor's command line.
 *
 *   npm run audit -- verify [--anchor <seq>:<hash>]... [--json] [--batch <rows>] [--workers <n>]
 *       Verifies every stream's hash chain and the checkpoint chain of the database in DATABASE_URL (or the
 *       embedded database in SIGNAALROUTE_DATA_DIR when the app is not running). Progress and rate on stderr.
 *       On PostgreSQL the chains are hashed by <n> worker threads (default: one per core); --workers is refused on
 *       the embedded database, which only this process can open (a worker thread cannot).
 *   npm run audit -- verify-bundle <file> [--anchor <seq>:<hash>]... [--allow-unsealed] [--json]
 *       Verifies an exported bundle offline: no database, no network. A stream bundle (GET /v1/audit/streams/{id}/bundle)
 *       or a case bundle (GET /v1/audit/cases/{id}/bundle: the case's stream, its referrals' and escalations' streams),
 *       told apart by their `format`; a problem in a case bundle names its stream. Every failure carries a stable code
 *       (`BUNDLE.HASH_MISMATCH`, …; the list is `BUNDLE_PROBLEMS` in libs/eventstore), printed before its message
 *       and in --json's `code` and `problems[].code`; an unreadable file is BUNDLE.UNREADABLE (exit 3), a file that
 *       is not JSON BUNDLE.NOT_JSON (exit 1). An anchor vouches for its checkpoint and those before it only: an event
 *       sealed by a checkpoint after the newest --anchor is BUNDLE.SEALED_AFTER_ANCHOR (exit 1), accepted as unproven
 *       with --allow-unsealed like an event after the newest checkpoint, and then not said to be held to the anchor.
 *   npm run audit -- replay --projection <name> [--built-in-tables] [--switch] [--keep] [--json] [--max-differences <n>] [--batch <n>]
 *   npm run audit -- replay --list
 *   npm run audit -- replay --projection <name> --previous [--json]
 *   npm run audit -- replay --projection <name> --drop-previous [--keep <n>] [--json]
 *       Rebuilds a projection from position 0 into fresh tables and compares them with the live ones
 *       (counts, canonical-content hash, first differing rows); --switch swaps them in (blue-green) and keeps
 *       the former live tables as <table>_previous_<tag>. --previous lists those kept generations, newest first;
 *       --drop-previous drops them except the newest <n> (default 0), one generation per transaction.
 *       A replay takes no product configuration from the auditor's shell unless it is given explicitly, and
 *       creates no key: `table-referrals` (remind_at follows the tables configuration) needs TABLES_CONFIG_FILE
 *       (the service's file) or --built-in-tables (the service runs with the built-in tables), else exit 2;
 *       `subjects` (sealed values) reads the service's master keys — SIGNAALROUTE_MASTER_KEY (+ previous ones),
 *       or the key files in SIGNAALROUTE_DATA_DIR/keys/ — and fails (exit 3) without them.
 *
 * Every flag is refused when given twice or when the chosen command or mode does not use it (--list with a replay's
 * flags, --keep with --switch, --workers on the embedded database); numbers are decimal digits only.
 * SIGNAALROUTE_DATA_DIR is trimmed, as the app reads it, and refused (exit 2) when set but blank.
 * Exit codes: 0 verified / replay identical (or switched), 1 tampering, a broken/forged bundle or a replay
 * that differs from the live tables, 2 invalid arguments (also an unknown projection), 3 could not run
 * (database unreachable, file unreadable).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { TablesConfig } from '#domain';
import { LedgerVerifier, ProjectionReplayer, TypeOrmDatabase, verifyBundle, type BundleVerification, type LedgerAnchor, type LedgerBreak, type PreviousGeneration, type ProjectionDefinition, type ReplayReport } from '#eventstore';
import { MASTER_KEY_FILE, MasterKeyConfigError, masterKeySet, masterKeysFromConfig, parseMasterKeyHex, PREVIOUS_MASTER_KEYS_DIR, type MasterKeys } from '#security';
import { callersFile, CannotRunError, dataDirFrom, embeddedDatabaseProblem, envSetting, err, errorText, out, parseFlags, refuseGiven, runCli, UsageError, wholeNumberFlag } from './cli.js';

const USAGE = `Usage:
  npm run audit -- verify [--anchor <seq>:<hash>]... [--json] [--batch <rows>] [--workers <n>]
  npm run audit -- verify-bundle <file> [--anchor <seq>:<hash>]... [--allow-unsealed] [--json]
  npm run audit -- replay --projection <name> [--built-in-tables] [--switch] [--keep] [--json] [--max-differences <n>] [--batch <n>]
  npm run audit -- replay --list
  npm run audit -- replay --projection <name> --previous [--json]
  npm run audit -- replay --projection <name> --drop-previous [--keep <n>] [--json]
The database is DATABASE_URL (postgres://…), or the embedded one in SIGNAALROUTE_DATA_DIR (default ./.signaalroute;
  set but blank is refused). --workers applies only to PostgreSQL. A flag given twice, or one the chosen command or
  mode does not use (--list with anything else, --keep with --switch), is refused (exit 2).
A replay takes no product configuration from this shell unless it is given explicitly, and creates no key:
  table-referrals recomputes remind_at with the tables configuration: set TABLES_CONFIG_FILE to the file the service
    runs with, or pass --built-in-tables when it runs with the built-in tables; without either it is refused (exit 2).
  subjects opens sealed values with the service's master keys: SIGNAALROUTE_MASTER_KEY (+ SIGNAALROUTE_PREVIOUS_MASTER_KEYS),
    or the key files in SIGNAALROUTE_DATA_DIR/keys/; without them it fails (exit 3), it never creates a key.`;

function parseAnchors(values: string[] | undefined): LedgerAnchor[] {
  return (values ?? []).map((v) => {
    const m = /^([1-9]\d*):([0-9a-f]{64})$/.exec(v.trim());
    if (!m) throw new UsageError(`--anchor must be <seq>:<64 hex characters>, got "${v}"`);
    return { seq: Number(m[1]), hash: m[2]! };
  });
}

function describeBreak(b: LedgerBreak): string[] {
  return [
    `  kind:      ${b.kind}`,
    `  position:  ${b.position ?? '-'}`,
    `  stream:    ${b.streamId ?? '-'}`,
    ...(b.checkpointSeq !== undefined ? [`  sealed by: checkpoint ${b.checkpointSeq}`] : []),
    `  expected:  ${b.expected}`,
    `  actual:    ${b.actual}`,
    `  meaning:   ${b.detail}`,
  ];
}

/** DATABASE_URL (a postgres:// URL), or undefined for the embedded database. */
function ledgerDatabaseUrl(): string | undefined {
  const url = envSetting(process.env, 'DATABASE_URL');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError('DATABASE_URL must be a postgres:// URL');
  return url;
}

/** The database at `url`, or the embedded one in the data folder `folder`; it must hold a ledger. */
async function openLedgerDatabase(url: string | undefined, folder: string): Promise<TypeOrmDatabase> {
  const problem = url ? null : embeddedDatabaseProblem(folder);
  if (problem) throw new CannotRunError(problem);
  let db: TypeOrmDatabase;
  try {
    db = await TypeOrmDatabase.open(url ? { databaseUrl: url, poolSize: 4 } : { dataDir: `${folder}/pgdata` });
    const tables = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename IN ('events', 'ledger_checkpoints')`);
    if (tables.rows[0]?.n !== '2') {
      await db.close();
      throw new CannotRunError('this database has no ledger (events and ledger_checkpoints): start the app once against it, it migrates');
    }
  } catch (error) {
    if (error instanceof CannotRunError) throw error;
    throw new CannotRunError(`cannot open the database: ${errorText(error)}`);
  }
  return db;
}

async function verify(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { options: { anchor: { type: 'string', multiple: true }, json: { type: 'boolean' }, batch: { type: 'string' }, workers: { type: 'string' } } });
  const anchors = parseAnchors(values.anchor);
  const batchSize = wholeNumberFlag('--batch', values.batch, 100, 100_000, 'rows');
  const workers = wholeNumberFlag('--workers', values.workers, 1, 64) ?? availableParallelism();
  const url = ledgerDatabaseUrl();
  // The worker threads open connections of their own; the embedded database (PGlite) lives in this process, and
  // is verified in this thread whatever --workers says.
  if (!url) refuseGiven(values, ['workers'], 'applies only to PostgreSQL (DATABASE_URL): the embedded database can only be read by this process, in one thread');
  const folder = dataDirFrom(process.env);
  const db = await openLedgerDatabase(url, folder);
  const bar = new cliProgress.SingleBar(
    { format: 'verifying |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | {duration_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let barStarted = false;
  try {
    const result = await new LedgerVerifier(db, {
      batchSize,
      anchors,
      parallel: url ? { databaseUrl: url, workers } : undefined,
      onProgress: (checked, total) => {
        const rate = Math.round(checked / Math.max(0.001, (performance.now() - started) / 1000)).toLocaleString('en');
        if (!barStarted) {
          bar.start(total, checked, { rate });
          barStarted = true;
        } else {
          bar.setTotal(total);
          bar.update(checked, { rate });
        }
      },
    }).verify();
    if (barStarted) bar.stop();
    if (values.json) out(JSON.stringify(result, null, 2));
    const summary = `${result.eventsChecked.toLocaleString('en')} events in ${result.streamsChecked.toLocaleString('en')} streams, ${result.checkpointsChecked} checkpoints (${result.eventsNotYetSealed} events not yet sealed), ${result.eventsPerSecond.toLocaleString('en')} events/s`;
    if (result.ok) {
      err(`ledger verified: ${summary}`);
      if (result.head) err(`head checkpoint: ${result.head.seq}:${result.head.hash} (record it; pass it as --anchor next time)`);
      return 0;
    }
    err(`LEDGER BROKEN: ${result.breakCount} finding(s) in ${summary}`);
    err('first break:');
    for (const line of describeBreak(result.firstBreak!)) err(line);
    return 1;
  } finally {
    if (barStarted) bar.stop();
    await db.close();
  }
}

/** A bundle file that could not be verified at all (unreadable, not JSON): the code on stderr, and with --json the same answer shape as a verification. */
function bundleFileProblem(code: 'BUNDLE.UNREADABLE' | 'BUNDLE.NOT_JSON', message: string, json: boolean): void {
  if (json) {
    const answer: BundleVerification = { ok: false, code, streamId: null, events: 0, sealedEvents: 0, unsealedEvents: 0, sealedAfterAnchorEvents: 0, head: null, problems: [{ code, message }] };
    out(JSON.stringify(answer, null, 2));
  }
  err(`BUNDLE INVALID: ${code}: ${message}`);
}

async function verifyBundleFile(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { allowPositionals: true, options: { anchor: { type: 'string', multiple: true }, json: { type: 'boolean' }, 'allow-unsealed': { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('verify-bundle takes exactly one file');
  const anchors = parseAnchors(values.anchor);
  const json = values.json === true;
  let text: string;
  try {
    text = await readFile(callersFile(positionals[0]!), 'utf8');
  } catch (error) {
    bundleFileProblem('BUNDLE.UNREADABLE', `cannot read ${positionals[0]}: ${(error as Error).message}`, json);
    return 3;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (error) {
    bundleFileProblem('BUNDLE.NOT_JSON', `the file is not JSON (${(error as Error).message})`, json);
    return 1;
  }
  const result = verifyBundle(bundle, anchors, { allowUnsealed: values['allow-unsealed'] === true });
  if (json) out(JSON.stringify(result, null, 2));
  if (result.ok) {
    const proven = `${result.sealedEvents} sealed by checkpoints, ${result.unsealedEvents} after the newest checkpoint`;
    if (result.streams) {
      err(`bundle verified: case ${result.caseId}, ${eventCount(result.events)} in ${result.streams.length} streams (${proven})`);
      for (const s of result.streams) err(`  ${s.streamId}: ${eventCount(s.events)}`);
      err('note: a case bundle cannot prove the case has no related streams other than those its own events name, nor that a stream had no later events than exported');
    } else {
      err(`bundle verified: stream ${result.streamId}, ${eventCount(result.events)} (${proven})`);
    }
    if (result.head) err(`head checkpoint: ${result.head.seq}:${result.head.hash} — ${heldToAnchors(result, result.head, anchors)}`);
    if (anchors.length === 0) err('note: without --anchor this proves the bundle is consistent, not that it is the organisation\'s ledger');
    return 0;
  }
  const [first, ...more] = result.problems;
  err(`BUNDLE INVALID: ${result.problems.length} problem(s); first: ${first!.code}: ${first!.message}`);
  for (const p of more.slice(0, 9)) err(`  also: ${p.code}: ${p.message}`);
  return 1;
}

/**
 * What the anchors given prove of a verified bundle. The newest anchor vouches for its checkpoint and those before it:
 * the bundle is "held to the --anchor given" only when every event is sealed at or before it; events sealed later or
 * not at all (accepted with --allow-unsealed) are named as not held.
 */
function heldToAnchors(result: BundleVerification, head: LedgerAnchor, anchors: readonly LedgerAnchor[]): string {
  if (anchors.length === 0) return 'compare it with a head hash obtained independently (or pass --anchor)';
  const newest = anchors.reduce((max, a) => Math.max(max, a.seq), 0);
  if (result.sealedAfterAnchorEvents > 0 || result.unsealedEvents > 0) {
    return `NOT held to the --anchor given: ${result.sealedAfterAnchorEvents} event(s) sealed after the newest anchor ${newest}, ${result.unsealedEvents} after the newest checkpoint — accepted with --allow-unsealed; nothing independent proves them`;
  }
  if (newest < head.seq) return `every event held to the --anchor given (sealed at or before checkpoint ${newest}; the checkpoints after it are not)`;
  return 'held to the --anchor given';
}

const eventCount = (n: number): string => `${n} event${n === 1 ? '' : 's'}`;

function describeReplay(report: ReplayReport): string[] {
  const lines = [`${report.eventsRead.toLocaleString('en')} events replayed in ${report.durationMs} ms (${report.eventsPerSecond.toLocaleString('en')} events/s)`];
  for (const t of report.tables) {
    lines.push(`  ${t.identical ? 'identical' : 'DIFFERENT'}  ${t.table}: ${t.liveRows} live rows, ${t.replayRows} replayed; md5 live ${t.liveHash}, replay ${t.replayHash}`);
    if (Object.keys(t.ignoredColumns).length > 0) lines.push(`    not compared: ${Object.entries(t.ignoredColumns).map(([c, why]) => `${c} (${why})`).join('; ')}`);
    if (t.differenceCount > 0) lines.push(`    ${t.differenceCount} differing row(s); first ${t.differences.length}:`);
    for (const d of t.differences) {
      const detail = d.kind === 'different' ? d.columns.map((c) => `${c}: live ${JSON.stringify(d.live![c])} ≠ replay ${JSON.stringify(d.replay![c])}`).join(', ') : d.kind;
      lines.push(`      ${JSON.stringify(d.key)}  ${detail}`);
    }
  }
  if (report.keptTables) lines.push(`replay tables kept: ${report.keptTables.join(', ')}`);
  if (report.switched) {
    lines.push(`SWITCHED at ${report.switched.at} (${report.switched.eventsCaughtUp} events caught up under the lock); previous tables kept (list them with --previous, drop them with --drop-previous):`);
    for (const [live, previous] of Object.entries(report.switched.previousTables)) lines.push(`  ${live} → ${previous}`);
  }
  return lines;
}

/**
 * The projection with the configuration it depends on, given explicitly to this command: the app's definitions
 * read the product configuration of the process they run in, which here is the auditor's shell, where it is
 * usually absent (and would silently be replaced by defaults, or, for the master key, by a new random key).
 *  - `table-referrals` recomputes remind_at with the tables configuration: TABLES_CONFIG_FILE (the service's
 *    file) or --built-in-tables; neither is a usage error.
 *  - `subjects` opens sealed values with the master keys: read as the service reads them, never created.
 */
async function withExplicitConfiguration(definition: ProjectionDefinition, builtInTables: boolean, folder: string): Promise<ProjectionDefinition> {
  const { REFERRAL_REGISTER_PROJECTION, referralRegisterProjection } = await import('../apps/tables/src/referrals/referral-register.projection.js');
  const { SUBJECT_REGISTRY_PROJECTION, subjectRegistryProjection } = await import('../apps/router/src/subjects/subject-registry.projection.js');
  if (definition.name === REFERRAL_REGISTER_PROJECTION.name) {
    const tables = await explicitTablesConfig(builtInTables);
    return referralRegisterProjection(() => tables);
  }
  if (builtInTables) throw new UsageError(`--built-in-tables applies only to --projection ${REFERRAL_REGISTER_PROJECTION.name}`);
  if (definition.name === SUBJECT_REGISTRY_PROJECTION.name) {
    const keys = readMasterKeys(folder);
    return subjectRegistryProjection(() => keys);
  }
  return definition;
}

/** The tables configuration named explicitly: the file in TABLES_CONFIG_FILE (trimmed, as the service reads it), or the built-in one with --built-in-tables. */
async function explicitTablesConfig(builtIn: boolean): Promise<TablesConfig> {
  const { loadTablesConfig } = await import('#platform');
  const file = process.env.TABLES_CONFIG_FILE;
  if (builtIn && file !== undefined) throw new UsageError('--built-in-tables and TABLES_CONFIG_FILE both name a tables configuration: give one (unset TABLES_CONFIG_FILE, or leave out --built-in-tables)');
  if (builtIn) return loadTablesConfig(null);
  if (file === undefined) {
    throw new UsageError(
      'REPLAY.CONFIGURATION_REQUIRED: table-referrals recomputes remind_at with the tables configuration, which this command does not guess: ' +
        'set TABLES_CONFIG_FILE to the file the service runs with, or pass --built-in-tables when it runs with the built-in tables',
    );
  }
  const configFile = file.trim();
  if (configFile === '') throw new UsageError('TABLES_CONFIG_FILE is blank: name the file the service runs with, or unset it and pass --built-in-tables');
  try {
    readFileSync(configFile);
  } catch (error) {
    throw new CannotRunError(`TABLES_CONFIG_FILE ${configFile} cannot be read: ${(error as Error).message}`);
  }
  try {
    return loadTablesConfig(configFile);
  } catch (error) {
    const { message, code } = error as Error & { code?: unknown };
    throw new UsageError(message.includes('TABLES_CONFIG_FILE') ? message : `TABLES_CONFIG_FILE ${configFile}: ${typeof code === 'string' ? `${code}: ` : ''}${message}`);
  }
}

/**
 * The service's master keys, read as the app reads them — SIGNAALROUTE_MASTER_KEY (+ SIGNAALROUTE_PREVIOUS_MASTER_KEYS),
 * else the key files in SIGNAALROUTE_DATA_DIR/keys/ — but never created or written: the app's key provider creates
 * the embedded default's key file when there is none, and a new key would unwrap nothing.
 */
function readMasterKeys(folder: string): MasterKeys {
  const current = envSetting(process.env, 'SIGNAALROUTE_MASTER_KEY');
  const previous = envSetting(process.env, 'SIGNAALROUTE_PREVIOUS_MASTER_KEYS');
  const keysDir = path.join(folder, 'keys');
  try {
    if (current) return masterKeysFromConfig(current, previous);
    if (previous) throw new MasterKeyConfigError('SIGNAALROUTE_PREVIOUS_MASTER_KEYS needs SIGNAALROUTE_MASTER_KEY (the key that replaces them)');
    const file = path.join(keysDir, MASTER_KEY_FILE);
    if (!existsSync(file)) {
      throw new CannotRunError(
        `no master key: replaying this projection opens sealed values with the service's master keys, and this command never creates one; ` +
          `set SIGNAALROUTE_MASTER_KEY (and SIGNAALROUTE_PREVIOUS_MASTER_KEYS) as the service has them, or SIGNAALROUTE_DATA_DIR to the folder holding keys/${MASTER_KEY_FILE}`,
      );
    }
    const previousDir = path.join(keysDir, PREVIOUS_MASTER_KEYS_DIR);
    const previousFiles = existsSync(previousDir) ? readdirSync(previousDir).filter((name) => name.endsWith('.key')).sort().map((name) => path.join(previousDir, name)) : [];
    const read = (source: string) => ({ key: parseMasterKeyHex(readFileSync(source, 'utf8').trim(), source), source });
    return masterKeySet(read(file), previousFiles.map(read));
  } catch (error) {
    if (error instanceof MasterKeyConfigError) throw new UsageError(`${error.code}: ${error.message}`);
    if (error instanceof CannotRunError) throw error;
    if (typeof (error as NodeJS.ErrnoException).code === 'string') throw new CannotRunError(`cannot read the master keys in ${keysDir}: ${(error as Error).message}`);
    throw error;
  }
}

/** The projections of every app, from the composition root (loaded only here: Nest decorators need reflect-metadata). */
async function productProjections(): Promise<ProjectionDefinition[]> {
  await import('reflect-metadata');
  const { ALL_APPS } = await import('../apps/signaalroute/src/all-apps.js');
  return ALL_APPS.flatMap((a) => [...(a.projections ?? [])]);
}

function projectionNamed(definitions: readonly ProjectionDefinition[], name: string): ProjectionDefinition {
  const definition = definitions.find((d) => d.name === name);
  if (!definition) throw new UsageError(`REPLAY.PROJECTION_UNKNOWN: no projection "${name}"; known: ${definitions.map((d) => d.name).join(', ')}`);
  return definition;
}

function describeGeneration(g: PreviousGeneration): string {
  return `  ${g.tag}  switched out ${g.switchedOutAt ?? '(unknown)'}${g.complete ? '' : '  INCOMPLETE'}  ${Object.values(g.tables).join(', ')}`;
}

/**
 * `replay --previous` / `--drop-previous`: the generations a switch kept. Parsed with options of their own (`--keep`
 * takes a count here, where a replay's `--keep` is a flag), so a replay's flags with them are refused. Nothing is
 * applied, so neither the tables configuration nor the master keys are needed.
 */
async function previousGenerations(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    options: { projection: { type: 'string' }, previous: { type: 'boolean' }, 'drop-previous': { type: 'boolean' }, keep: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (values.previous && values['drop-previous']) throw new UsageError('--previous lists the kept generations and --drop-previous drops them: give one');
  if (values.keep !== undefined && !values['drop-previous']) throw new UsageError('--keep <n> goes with --drop-previous');
  // The newest generations to leave standing.
  const keep = wholeNumberFlag('--keep', values.keep, 0, 1000, 'generations') ?? 0;
  if (!values.projection) throw new UsageError(`replay ${values.previous ? '--previous' : '--drop-previous'} needs --projection <name>`);
  const url = ledgerDatabaseUrl();
  const folder = dataDirFrom(process.env);
  const definitions = await productProjections();
  const definition = projectionNamed(definitions, values.projection);
  const db = await openLedgerDatabase(url, folder);
  try {
    const replayer = new ProjectionReplayer(db, definitions);
    if (values.previous) {
      const generations = await replayer.previous(definition.name);
      if (values.json) out(JSON.stringify(generations, null, 2));
      err(`${generations.length} kept generation(s) of ${definition.name}, newest first${generations.length > 0 ? ':' : ''}`);
      for (const g of generations) err(describeGeneration(g));
      return 0;
    }
    const result = await replayer.dropPrevious(definition.name, { keep });
    if (values.json) out(JSON.stringify(result, null, 2));
    err(`dropped ${result.dropped.length} generation(s) of ${definition.name}, kept ${result.kept.length}`);
    for (const g of result.dropped) err(`dropped${describeGeneration(g)}`);
    for (const g of result.kept) err(`kept   ${describeGeneration(g)}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** The flags of a replay; `--list` takes none of them. */
const REPLAY_FLAGS = ['projection', 'built-in-tables', 'switch', 'keep', 'json', 'max-differences', 'batch'] as const;

async function replay(argv: string[]): Promise<number> {
  if (argv.includes('--previous') || argv.includes('--drop-previous')) return previousGenerations(argv);
  const { values } = parseFlags(argv, {
    options: {
      projection: { type: 'string' },
      'built-in-tables': { type: 'boolean' },
      switch: { type: 'boolean' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
      list: { type: 'boolean' },
      'max-differences': { type: 'string' },
      batch: { type: 'string' },
    },
  });
  if (values.list) {
    refuseGiven(values, REPLAY_FLAGS, 'does not go with --list, which only lists the projections: give one');
    for (const d of await productProjections()) out(`${d.name.padEnd(18)} ${d.tables.map((t) => t.name).join(', ').padEnd(40)} ${d.description}`);
    return 0;
  }
  if (values.switch) refuseGiven(values, ['keep'], 'keeps the replay tables after a comparison; with --switch they become the live tables: leave out one');
  const maxDifferences = wholeNumberFlag('--max-differences', values['max-differences'], 1, 10_000) ?? 20;
  const batchSize = wholeNumberFlag('--batch', values.batch, 100, 100_000, 'events');
  if (!values.projection) throw new UsageError('replay needs --projection <name> (or --list)');
  const url = ledgerDatabaseUrl();
  const folder = dataDirFrom(process.env);
  const definitions = await productProjections();
  const definition = projectionNamed(definitions, values.projection);
  const configured = await withExplicitConfiguration(definition, values['built-in-tables'] === true, folder);
  const replayed = definitions.map((d) => (d === definition ? configured : d));
  const db = await openLedgerDatabase(url, folder);
  const bar = new cliProgress.SingleBar(
    { format: 'replaying |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | {duration_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  try {
    const total = Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM events WHERE $1::text[] IS NULL OR type = ANY($1::text[])', [definition.eventTypes ? [...definition.eventTypes] : null])).rows[0]!.n);
    const started = performance.now();
    bar.start(total, 0, { rate: '0' });
    const report = await new ProjectionReplayer(db, replayed).replay(definition.name, {
      switch: values.switch === true,
      keep: values.keep === true,
      maxDifferences,
      batchSize,
      onProgress: (read) => {
        if (read > total) bar.setTotal(read);
        bar.update(read, { rate: Math.round(read / Math.max(0.001, (performance.now() - started) / 1000)).toLocaleString('en') });
      },
    });
    bar.stop();
    if (values.json) out(JSON.stringify(report, null, 2));
    err(`${report.identical ? 'replay identical to the live tables' : 'REPLAY DIFFERS from the live tables'}: projection ${report.projection}`);
    for (const line of describeReplay(report)) err(line);
    return report.identical || report.switched ? 0 : 1;
  } finally {
    bar.stop();
    await db.close();
  }
}

process.exitCode = await runCli('audit', USAGE, { verify, 'verify-bundle': verifyBundleFile, replay }, process.argv.slice(2));
