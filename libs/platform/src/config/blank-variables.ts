/**
 * The problems of the variables among `names` that are set but blank (empty or only whitespace). Such a value is
 * refused rather than read as "not set": `DATABASE_URL=` left behind by a deployment template would otherwise run
 * on the embedded database, `SIGNAALROUTE_MASTER_KEY=` make a host-local key file next to a shared database, and
 * `KAFKA_BROKERS=` fall back to the in-process transport, each without a word.
 */
export function blankVariableProblems(env: Record<string, string | undefined>, names: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() === '') problems.push(`${name}: ${name} is set but blank: unset it for the default, or give it a value`);
  }
  return problems;
}
