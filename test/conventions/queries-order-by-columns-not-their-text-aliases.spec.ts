import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * Ids, positions and sequence numbers leave PostgreSQL as text (`seq::text AS seq`: a bigint does not fit a
 * JavaScript number). When ORDER BY then names the column bare, PostgreSQL takes the output column, the text, and
 * "10" sorts before "9": the liaison feed started new readers behind its newest step that way, and a test ordered
 * processing-log lines wrongly once their ids grew a digit. Such a query must order by the qualified column
 * (`liaison_feed.seq`). This check reads every SQL text in the code and the tests for an ORDER BY that names,
 * after such an alias, the alias bare.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['apps', 'libs', 'test', 'bench', 'scripts'];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `column::type AS column` aliases of a SQL text, and where each ORDER BY after one names it bare. */
function textAliasOrderings(sql: string): string[] {
  const found: string[] = [];
  for (const alias of sql.matchAll(/\b(\w+)::\w+\s+AS\s+(\w+)\b/gi)) {
    const name = alias[2]!;
    if (alias[1] !== name) continue;
    for (const order of sql.slice(alias.index! + alias[0].length).matchAll(/ORDER BY\s+([^;`'"]*?)(?=\bLIMIT\b|\bOFFSET\b|\)|[`'"]|$)/gis)) {
      const terms = order[1]!.split(',').map((term) => term.trim().split(/\s+/)[0]);
      if (terms.includes(name)) found.push(`ORDER BY ${order[1]!.trim()} names the text alias "${name}"`);
    }
  }
  return found;
}

describe('queries order by columns, not by their text aliases', () => {
  it('finds the mistake where it is made', () => {
    expect(textAliasOrderings('SELECT seq::text AS seq FROM liaison_feed ORDER BY seq')).toHaveLength(1);
    expect(textAliasOrderings("'SELECT id::text AS id FROM processing_log WHERE actor_id = $1 ORDER BY id'")).toHaveLength(1);
    expect(textAliasOrderings('SELECT id::text AS id FROM t WHERE x ORDER BY other, id DESC LIMIT 1')).toHaveLength(1);
    expect(textAliasOrderings('SELECT seq::text AS seq FROM liaison_feed ORDER BY liaison_feed.seq')).toEqual([]);
    expect(textAliasOrderings('SELECT seq::text AS position FROM liaison_feed ORDER BY seq')).toEqual([]);
    // A CTE ordered by its own bigint before the outer query renames it: not the mistake.
    expect(textAliasOrderings('WITH p AS (SELECT min(id) AS first_id FROM t ORDER BY first_id) SELECT p.first_id::text AS first_id FROM p ORDER BY p.first_id')).toEqual([]);
  });

  it('no SQL text of the code or the tests orders by a text alias', () => {
    const offences: string[] = [];
    for (const file of FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
      if (file.endsWith('queries-order-by-columns-not-their-text-aliases.spec.ts')) continue;
      const source = readFileSync(file, 'utf8');
      for (const literal of source.matchAll(/`[^`]*`|'[^'\n]*'|"[^"\n]*"/g)) {
        for (const finding of textAliasOrderings(literal[0])) {
          offences.push(`${relative(ROOT, file)}:${source.slice(0, literal.index).split('\n').length}: ${finding}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
