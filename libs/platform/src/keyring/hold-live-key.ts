import type { SqlExecutor } from '#eventstore';

/**
 * Inside the caller's transaction: whether the data key `keyId` is still live, its row held `FOR SHARE` until
 * commit. A destruction (an UPDATE of that row) committed before is seen (false: nothing may be sealed under the
 * key any more), and one that comes later waits for the commit and then destroys what was sealed with the rest.
 */
export async function holdLiveKey(tx: SqlExecutor, keyId: string): Promise<boolean> {
  const r = await tx.query('SELECT 1 FROM (SELECT wrapped_key FROM data_keys WHERE key_id = $1::uuid FOR SHARE) AS k WHERE k.wrapped_key IS NOT NULL', [keyId]);
  return r.rows.length > 0;
}
