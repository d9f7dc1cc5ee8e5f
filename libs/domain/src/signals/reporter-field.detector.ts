import { echoedName } from '../shared/echoed-name.js';

/**
 * Finds keys that name a reporter anywhere in a received payload. MMA tips are anonymous by law: a payload
 * that carries reporter details must be refused, not stored, so intake runs this on the body as received
 * (before any DTO whitelisting strips unknown keys and hides the problem).
 *
 * A key names a reporter when, lower-cased and with `-`, `_` and spaces removed, it starts with one of
 * {@link REPORTER_KEY_PREFIXES} (`reporterEmail`, `melder_naam`, `Tipgever`, `anonymousReporterId`) or is one
 * of {@link REPORTER_KEY_NAMES}; or when one of its words (split on camelCase, `-`, `_`, `.`, spaces) does
 * (`naamMelder`, `contact_reporter`). Only keys are inspected, never values, so free text that mentions a
 * "melder" does not trigger it; splitting into words keeps `rookmelder` (smoke detector) from matching.
 */
export const REPORTER_KEY_PREFIXES = [
  'reporter',
  'melder',
  'informant',
  'tipgever',
  'tipster',
  'submitter',
  'indiener',
  'aanmelder',
  'klokkenluider',
  'whistleblower',
  'anonymousreporter',
  'anoniememelder',
] as const;

/** Whole keys (or words) that name the reporter without one of the prefixes. */
export const REPORTER_KEY_NAMES = ['contactgegevens'] as const;

/** Deepest nesting inspected; anything deeper is reported as `depthExceeded`. */
export const REPORTER_FIELD_MAX_DEPTH = 32;

/** Result of {@link scanReporterFields}. */
export interface ReporterFieldScan {
  /** JSON paths (`$.meta.contacts[0].melderEmail`) of the keys that name a reporter. Keys only, no values. */
  paths: string[];
  /** True when part of the payload nests deeper than the limit and was not inspected. */
  depthExceeded: boolean;
}

/**
 * Verdicts on keys seen before: payloads reuse a small vocabulary of keys, and working one out (lower-casing,
 * splitting into words) costs more than the rest of the scan. Bounded, since callers choose the keys: past the
 * bound new keys are worked out every time.
 */
const verdicts = new Map<string, boolean>();
const VERDICTS_MAX = 1024;

/** True when the object key `key` names a reporter (see module comment). */
export function isReporterFieldName(key: string): boolean {
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const verdict = namesReporter(key);
  if (verdicts.size < VERDICTS_MAX) verdicts.set(key, verdict);
  return verdict;
}

function namesReporter(key: string): boolean {
  const whole = key.toLowerCase().replace(/[-_\s]/g, '');
  if (matchesWord(whole)) return true;
  return splitWords(key).some(matchesWord);
}

/**
 * JSON paths of every key anywhere in `body` (objects and arrays, at any depth up to
 * {@link REPORTER_FIELD_MAX_DEPTH}) that names a reporter. Pure; safe on cycles. The subtree under a
 * matching key is not listed again.
 */
export function findReporterFields(body: unknown): string[] {
  return scanReporterFields(body).paths;
}

/**
 * Like {@link findReporterFields}, but also says whether the depth limit cut the search short, so a caller
 * can fail closed on payloads it could not fully inspect.
 */
export function scanReporterFields(body: unknown, maxDepth: number = REPORTER_FIELD_MAX_DEPTH): ReporterFieldScan {
  const paths: string[] = [];
  const seen = new WeakSet<object>();
  let depthExceeded = false;

  const walk = (value: unknown, path: string, depth: number): void => {
    if (value === null || typeof value !== 'object') return;
    if (seen.has(value)) return; // cycles and shared references are inspected once
    seen.add(value);
    if (Array.isArray(value)) {
      if (value.length === 0) return;
      if (depth >= maxDepth) {
        depthExceeded = true;
        return;
      }
      value.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1));
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) return;
    if (depth >= maxDepth) {
      depthExceeded = true;
      return;
    }
    for (const key of keys) {
      const childPath = path + pathSegment(key);
      if (isReporterFieldName(key)) paths.push(childPath);
      else walk((value as Record<string, unknown>)[key], childPath, depth + 1);
    }
  };

  walk(body, '$', 0);
  return { paths, depthExceeded };
}

function matchesWord(word: string): boolean {
  return (
    REPORTER_KEY_PREFIXES.some((prefix) => word.startsWith(prefix)) ||
    (REPORTER_KEY_NAMES as readonly string[]).includes(word)
  );
}

function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter((word) => word.length > 0);
}

/**
 * The key as a path step. The paths go back to the sender in the refusal, so a key is named only as
 * `echoedName` allows (a key like `melder J. Jansen 06-12345678` is itself the personal data the rule keeps out).
 */
function pathSegment(key: string): string {
  const named = echoedName(key, 'a field name');
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(named)) return `.${named}`;
  return `['${named}']`;
}
