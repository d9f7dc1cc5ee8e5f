import { REFERRAL_TOPICS } from '#contracts';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import type { Keyring } from '#platform';
import { SEALED_VALUE_PREFIX } from '#security';
import type { WatchedMessage } from '../../../../test/support/kafka-probe.js';
import { rawOf } from './tables-fixtures.js';

/**
 * The search behind "no reporter identity and no BSN ever appears on a table topic or the liaison feed".
 * Personal values travel sealed (`pd1.<keyId>.…`), so searching a message's raw bytes alone can never find a
 * BSN or a reporter that was sealed into it: this opens every sealed value in the message (value, headers, key)
 * with the app's keyring — as a table's API does for its members — and searches the plaintext too, and flags a
 * sealed value it cannot open (a value whose content cannot be checked must not pass as clean).
 */

/** What must stay inside the municipality. */
export interface KeptInside {
  /** BSNs (also found written in groups, however spaced: `111 222 333`, `111.222.333`, `111  -\t222\u200b333`, `１１１２２２３３３`). */
  bsn: readonly string[];
  /** Reporter identity: names, contact details, vault references, employee ids. */
  reporter: readonly string[];
  /** Zorg-only texts (e.g. a zorgmelding's concern): searched on the topics of recipients that never receive zorg. */
  zorg?: readonly string[];
}

export interface Leak {
  topic: string;
  key: string | null;
  /** What was found: a kept value, or a sealed value the search could not open. */
  kind: 'bsn' | 'reporter' | 'zorg' | 'unopenable';
  /** In the raw bytes, or in the plaintext of a sealed value. */
  where: 'raw' | 'sealed';
  value: string;
}

/** Topics of recipients that never receive zorg details: the tables with `receivesZorg: false` and the police liaison feed. */
export const TOPICS_WITHOUT_ZORG: ReadonlySet<string> = new Set([
  ...BUILT_IN_TABLES_CONFIG.tables.filter((t) => !t.receivesZorg).map((t) => t.topic),
  REFERRAL_TOPICS.liaisonEscalations,
]);

const SEALED = /pd1\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/**
 * What may stand between two digits of a BSN as people type and paste it: any run of whitespace (a tab also as
 * raw JSON escapes it, `\t`), dots and dashes, and characters no reader sees (zero-width space, word joiner, soft
 * hyphen, BOM, bidi marks).
 */
const BETWEEN_DIGITS = String.raw`(?:[\s.\-\u2010-\u2015\u2212\p{Cf}\p{Default_Ignorable_Code_Point}]|\\t)*`;
/** A BSN as typed: its digits, split by anything of {@link BETWEEN_DIGITS}; searched in NFKC, so fullwidth digits (`１１１`) are found too. */
const bsnPattern = (bsn: string) => new RegExp(bsn.split('').join(BETWEEN_DIGITS), 'u');

/**
 * Every sealed value in `text`, opened, and those inside the plaintexts (a sealed JSON document may hold
 * sealed values of its own). `contexts`: contexts to try for a value that does not open without one (e.g. the
 * reporter vault's `reporter-vault:<signalId>`). A value whose key was destroyed opens as nothing (no one can read it).
 */
async function openAll(keyring: Keyring, text: string, contexts: readonly string[], depth = 0): Promise<{ plaintexts: string[]; unopenable: string[] }> {
  const sealed = [...new Set(text.match(SEALED) ?? [])];
  const plaintexts: string[] = [];
  const unopenable: string[] = [];
  // Something that starts like a sealed value but is not one the pattern recognises cannot be checked either.
  const prefixes = text.split(SEALED_VALUE_PREFIX).length - 1;
  const recognised = (text.match(SEALED) ?? []).length;
  if (prefixes > recognised) unopenable.push(`${prefixes - recognised} unrecognised ${SEALED_VALUE_PREFIX}… value(s)`);
  for (const value of sealed) {
    let opened: string | null | undefined;
    for (const context of ['', ...contexts]) {
      try {
        opened = await keyring.open(value, context);
        break;
      } catch {
        // another context, or not openable at all
      }
    }
    if (opened === undefined) unopenable.push(`${value.slice(0, 48)}…`);
    else if (opened !== null) {
      plaintexts.push(opened);
      if (depth < 3 && opened.includes(SEALED_VALUE_PREFIX)) {
        const inner = await openAll(keyring, opened, contexts, depth + 1);
        plaintexts.push(...inner.plaintexts);
        unopenable.push(...inner.unopenable);
      }
    }
  }
  return { plaintexts, unopenable };
}

/**
 * What of `kept` appears in `messages`, raw or sealed; and how many sealed values were opened (a test asserts
 * that some were, so the search is never vacuous).
 */
export async function leaksIn(keyring: Keyring, messages: readonly WatchedMessage[], kept: KeptInside, options: { contexts?: readonly string[] } = {}): Promise<{ leaks: Leak[]; opened: number }> {
  const leaks: Leak[] = [];
  let opened = 0;
  const bsns = kept.bsn.filter((b) => b !== '').map((b) => ({ value: b, pattern: bsnPattern(b) }));
  const reporter = kept.reporter.filter((r) => r !== '');
  const zorg = (kept.zorg ?? []).filter((z) => z !== '');
  for (const m of messages) {
    const raw = rawOf(m);
    const { plaintexts, unopenable } = await openAll(keyring, raw, options.contexts ?? []);
    opened += plaintexts.length;
    const found = (kind: Leak['kind'], where: Leak['where'], value: string) => leaks.push({ topic: m.topic, key: m.key, kind, where, value });
    for (const value of unopenable) found('unopenable', 'sealed', value);
    for (const [where, texts] of [['raw', [raw]], ['sealed', plaintexts]] as const) {
      for (const text of texts) {
        const lower = text.toLowerCase();
        for (const b of bsns) if (b.pattern.test(text.normalize('NFKC'))) found('bsn', where, b.value);
        for (const r of reporter) if (lower.includes(r.toLowerCase())) found('reporter', where, r);
        if (TOPICS_WITHOUT_ZORG.has(m.topic)) for (const z of zorg) if (lower.includes(z.toLowerCase())) found('zorg', where, z);
      }
    }
  }
  return { leaks, opened };
}
