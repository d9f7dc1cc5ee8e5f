/**
 * The auditor's command line.
 *
 *   npm run audit -- verify [--anchor <seq>:<hash>]... [--json] [--batch <rows>] [--workers <n>]
 *       Verifies every stream's hash chain and the checkpoint chain of the database in DATABASE_URL (or the
 *       embedded database in SIGNAALROUTE_DATA_DIR when the app is not running). Progress and rate on stderr.
 *       On PostgreSQL the chains are hashed by <n> worker threads (default: one per core).
 *   npm run audit -- verify-bundle <file> [--anchor <seq>:<hash>]... [--json]
 *       Verifies an exported stream bundle offline: no database, no network.
 *
 * Exit codes: 0 verified, 1 tampering or a broken/forged bundle found (the first break is printed),
 * 2 invalid arguments, 3 could not run (database unreachable, file unreadable).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { LedgerVerifier, TypeOrmDatabase, verifyBundle, type LedgerAnchor, type LedgerBreak } from '#eventstore';

const USAGE = `Usage:
  npm run audit -- verify [--anchor <seq>:<hash>]... [--json] [--batch <rows>] [--workers <n>]
  npm run audit -- verify-bundle <file> [--anchor <seq>:<hash>]... [--json]
The database is DATABASE_URL (postgres://…), or the embedded one in SIGNAALROUTE_DATA_DIR (default ./.signaalroute).`;

class UsageError extends Error {}
class CannotRunError extends Error {}

const err = (line: string) => process.stderr.write(`${line}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);

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

async function verify(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { anchor: { type: 'string', multiple: true }, json: { type: 'boolean' }, batch: { type: 'string' }, workers: { type: 'string' } } });
  const anchors = parseAnchors(values.anchor);
  const batchSize = values.batch === undefined ? undefined : Number(values.batch);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 100 || batchSize > 100_000)) throw new UsageError('--batch must be an integer in 100..100000');
  const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('--workers must be an integer in 1..64');
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '' && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError('DATABASE_URL must be a postgres:// URL');
  const dataDir = process.env.SIGNAALROUTE_DATA_DIR || './.signaalroute';
  if (!url && !existsSync(`${dataDir}/pgdata`)) throw new CannotRunError(`no embedded database in ${dataDir}/pgdata (set DATABASE_URL or SIGNAALROUTE_DATA_DIR)`);
  let db: TypeOrmDatabase;
  try {
    db = await TypeOrmDatabase.open(url ? { databaseUrl: url, poolSize: 4 } : { dataDir: `${dataDir}/pgdata` });
    const tables = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename IN ('events', 'ledger_checkpoints')`);
    if (tables.rows[0]?.n !== '2') {
      await db.close();
      throw new CannotRunError('this database has no ledger (events and ledger_checkpoints): start the app once against it, it migrates');
    }
  } catch (error) {
    if (error instanceof CannotRunError) throw error;
    throw new CannotRunError(`cannot open the database: ${(error as Error).message}`);
  }
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

async function verifyBundleFile(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { anchor: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('verify-bundle takes exactly one file');
  const anchors = parseAnchors(values.anchor);
  let text: string;
  try {
    text = await readFile(positionals[0]!, 'utf8');
  } catch (error) {
    throw new CannotRunError(`cannot read ${positionals[0]}: ${(error as Error).message}`);
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch {
    err('BUNDLE INVALID: the file is not JSON');
    return 1;
  }
  const result = verifyBundle(bundle, anchors);
  if (values.json) out(JSON.stringify(result, null, 2));
  if (result.ok) {
    err(`bundle verified: stream ${result.streamId}, ${result.events} events (${result.sealedEvents} sealed by checkpoints, ${result.unsealedEvents} after the newest checkpoint)`);
    if (result.head) err(`head checkpoint: ${result.head.seq}:${result.head.hash} — compare it with a head hash obtained independently (or pass --anchor)`);
    if (anchors.length === 0) err('note: without --anchor this proves the bundle is consistent, not that it is the organisation\'s ledger');
    return 0;
  }
  err(`BUNDLE INVALID: ${result.problems.length} problem(s); first: ${result.problems[0]}`);
  for (const p of result.problems.slice(1, 10)) err(`  also: ${p}`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'verify':
        return await verify(rest);
      case 'verify-bundle':
        return await verifyBundleFile(rest);
      case undefined:
      case '--help':
      case '-h':
        out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof CannotRunError) {
      err(error.message);
      return 3;
    }
    err(`audit failed: ${error instanceof Error ? error.message : String(error)}`);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
