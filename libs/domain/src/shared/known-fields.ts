/**
 * The fields a configuration object may have, as a list: given as a record with every key of `T`, so the compiler
 * refuses a list that misses a field of the type (`fieldsOf<TableDefinition>({ id: true, ... })`).
 */
export function fieldsOf<T>(fields: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(fields);
}

/** A key of a configuration object that is none of its known fields, and why it is refused. */
export interface UnknownField {
  key: string;
  /** `unknown field "amout" (did you mean "amount"?); allowed: amount, unit`. */
  message: string;
}

/**
 * Every key of `record` not in `known`, each with its message: a misspelt key is refused rather than ignored,
 * since ignoring it leaves the field it meant unset (`reminderLeadtime`: no reminders). The message suggests the
 * known field meant when exactly one is close (see `closestField`).
 */
export function unknownFields(record: object, known: readonly string[]): UnknownField[] {
  return Object.keys(record)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const meant = closestField(key, known);
      return { key, message: `unknown field "${key}"${meant ? ` (did you mean "${meant}"?)` : ''}; allowed: ${known.join(', ')}` };
    });
}

/**
 * The known field `key` was probably meant to be: the only one within a small edit distance of it, ignoring
 * case (one edit for keys under 8 characters, two from 8 on); undefined when none or several are that close.
 */
function closestField(key: string, known: readonly string[]): string | undefined {
  const allowed = key.length < 8 ? 1 : 2;
  const scored = known
    .filter((k) => Math.abs(k.length - key.length) <= allowed)
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter((s) => s.d <= allowed);
  const best = Math.min(...scored.map((s) => s.d));
  const closest = scored.filter((s) => s.d === best);
  return closest.length === 1 ? closest[0]!.k : undefined;
}

/**
 * Edit distance: the fewest insertions, deletions, substitutions and swaps of two neighbouring characters turning
 * `a` into `b` (optimal string alignment), so `tabels` is one edit from `tables`.
 */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
