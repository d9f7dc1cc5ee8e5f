import { likePrefix, quoteIdent, sqlErrorCode, type SqlExecutor } from '#eventstore';

/** The live subject registry. */
const SUBJECTS = 'subjects';

/** The blind indexes (keyed HMACs of the normalised values) that make a subject findable, and `erased_at`. */
const ERASED_COLUMNS = ['name_key', 'birth_date_key', 'bsn_key', 'address_key', 'postcode_key', 'erased_at'] as const;

/**
 * Marks a subject whose data key was destroyed (erasure on request, or retention) as erased, inside the
 * destroying transaction (the one that appends `PersonalDataShredded` to the subject's stream): its lookup
 * keys (blind indexes) are cleared, so it is never suggested or matched again and its BSN may be registered
 * anew, and `erased_at` makes the subject APIs answer `personalDataErased: true`. The first erasure's moment
 * is kept. The replay of the `subjects` projection applies `PersonalDataShredded` with the same statement
 * into `table`.
 *
 * On the live registry (`table` left as `subjects`) the same is done in every kept copy of it: the former live
 * tables a blue-green replay switch keeps for a rollback (`subjects_previous_<tag>`) and the tables of replays
 * running or kept (`subjects_replay_<tag>`). A copy keeps every subject's lookup keys; with the blind-index
 * key, an erased person's BSN would be found in it again by trying every valid BSN. See
 * {@link clearKeptCopies}.
 */
export async function markSubjectErased(tx: SqlExecutor, subjectId: string, at: Date, table = SUBJECTS): Promise<void> {
  await tx.query(
    `UPDATE ${quoteIdent(table)} SET name_key = NULL, birth_date_key = NULL, bsn_key = NULL, address_key = NULL, postcode_key = NULL, erased_at = COALESCE(erased_at, $2::timestamptz)
      WHERE subject_id = $1::uuid`,
    [subjectId, at.toISOString()],
  );
  // A replay applying the event into its own table touches nothing else (the live writer did the copies).
  if (table === SUBJECTS) await clearKeptCopies(tx, subjectId, at);
}

/**
 * The same erasure in each kept copy of `subjects`, found by name in the current schema's catalog (works on
 * PGlite too), with the columns of {@link ERASED_COLUMNS} that copy has (a copy made before a migration may
 * lack some). Called after the live table's UPDATE: holding that table, the erasure cannot overlap a switch
 * (which locks it first), so no copy is renamed under it. A copy dropped meanwhile (a replay ending) is
 * skipped: each UPDATE runs under a savepoint, and "no such table" only rolls that one back.
 */
async function clearKeptCopies(tx: SqlExecutor, subjectId: string, at: Date): Promise<void> {
  const r = await tx.query<{ table_name: string; columns: unknown }>(
    `SELECT c.relname::text AS table_name, json_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = current_schema())
        AND c.relkind IN ('r', 'p')
        AND (c.relname LIKE $1 OR c.relname LIKE $2)
        AND a.attname::text = ANY($3::text[])
      GROUP BY c.relname
      ORDER BY c.relname`,
    [`${likePrefix(`${SUBJECTS}_previous_`)}%`, `${likePrefix(`${SUBJECTS}_replay_`)}%`, ['subject_id', ...ERASED_COLUMNS]],
  );
  for (const row of r.rows) {
    const columns = (typeof row.columns === 'string' ? JSON.parse(row.columns) : row.columns) as string[];
    if (!columns.includes('subject_id')) continue;
    const sets = ERASED_COLUMNS.filter((c) => columns.includes(c)).map((c) => (c === 'erased_at' ? `erased_at = COALESCE(erased_at, $2::timestamptz)` : `${quoteIdent(c)} = NULL`));
    if (sets.length === 0) continue;
    const params: unknown[] = columns.includes('erased_at') ? [subjectId, at.toISOString()] : [subjectId];
    await tx.query('SAVEPOINT subjects_kept_copy');
    try {
      await tx.query(`UPDATE ${quoteIdent(row.table_name)} SET ${sets.join(', ')} WHERE subject_id = $1::uuid`, params);
    } catch (error) {
      if (sqlErrorCode(error) !== '42P01') throw error; // undefined_table: dropped since the catalog was read
      await tx.query('ROLLBACK TO SAVEPOINT subjects_kept_copy');
    }
    await tx.query('RELEASE SAVEPOINT subjects_kept_copy');
  }
}

