import type { SqlExecutor } from '#eventstore';

/**
 * Serialises, per municipality, the transactions that destroy personal data and those that place legal
 * holds (a transaction-scoped advisory lock). Without it a hold committed while a destruction was between
 * its hold check and its commit would be missed; with it, each sees the other's outcome. Every destruction
 * takes it before checking holds; placing a hold takes it before inserting the hold.
 */
export async function lockPersonalDataOf(tx: SqlExecutor, municipality: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`privacy:${municipality}`]);
}
