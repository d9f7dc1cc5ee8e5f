import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * A route that reads one query parameter with `@Query('name')` silently ignores every other: an auditor who wrote
 * `as_of` for `asOf` got today's state of a case as if it were the past one. Routes take the whole query
 * (`@Query()`) and check it with a query DTO (`validateDto`, unknown fields refused) or `onlyQueryParameters`.
 */

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'test' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('routes refuse query parameters they do not know', () => {
  it('no route reads a single query parameter by name', () => {
    const offenders = ['apps', 'libs']
      .flatMap((folder) => sourceFiles(join(ROOT, folder)))
      .filter((file) => /@Query\(\s*['"`]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
