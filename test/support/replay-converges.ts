import { waitFor, type AppHarness } from './app-harness.js';

interface ReplayBody {
  identical?: boolean;
  tables?: { table: string; differences: unknown[] }[];
}

/**
 * The live read models are fed over Kafka, partitions side by side, so they reach the log's state a moment after
 * the events commit. Polls the auditor's replay of `projection` until it is identical to the live tables; a real
 * divergence never converges, and fails naming its differences.
 */
export async function replayConverges(h: AppHarness, token: string, projection: string, timeoutMs = 20_000): Promise<void> {
  let last: ReplayBody | undefined;
  try {
    await waitFor(
      async () => {
        const res = await h.request('POST', '/v1/audit/replay', { token, body: { projection } });
        last = res.body as ReplayBody;
        return res.status === 200 && last.identical === true;
      },
      { timeoutMs, intervalMs: 200, what: `the replay of ${projection} identical to the live tables` },
    );
  } catch (error) {
    const differences = last?.tables?.map((t) => ({ table: t.table, differences: t.differences }));
    throw new Error(`the replay of ${projection} never became identical to the live tables: ${JSON.stringify(differences)}`, { cause: error });
  }
}
