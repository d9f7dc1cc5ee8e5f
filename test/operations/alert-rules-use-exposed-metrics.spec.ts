import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { EVENT_LOOP_SAMPLING_MS } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * The shipped Prometheus rules (`ops/prometheus/signaalroute.rules.yml`) parse, and every metric an alert
 * uses is one the product exposes: a renamed metric would otherwise silence its alert without a word.
 */

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (load(readFileSync(new URL('../../ops/prometheus/signaalroute.rules.yml', import.meta.url), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

/** Metric names in a PromQL expression: what is left once groupings, label matchers and ranges are taken out, minus PromQL's own words. */
function metricsOf(expr: string): string[] {
  const words = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'histogram_quantile', 'by', 'without']);
  const bare = expr.replace(/\b(by|without)\s*\([^)]*\)/g, ' ').replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  return [...bare.matchAll(/\b[a-z_][a-z0-9_]*\b/g)].map((m) => m[0]).filter((name) => !words.has(name));
}

/** Every sample name the exposition can hold: each declared metric, with its histogram series for histograms. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the shipped alert rules', () => {
  let h: AppHarness;
  let exposed: Set<string>;

  beforeAll(async () => {
    h = await startApp({ apps: ALL_APPS });
    // Declared metrics (a labelled metric without samples yet still has its `# TYPE` line).
    exposed = exposedNames((await h.request('GET', '/metrics')).text);
  });
  afterAll(async () => h?.stop());

  it('parse, and each alert has a name, an expression, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Signaalroute[A-Za-z]+$/);
      expect(rule.expr.trim().length).toBeGreaterThan(0);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('call a process saturated at 100 ms of event-loop delay beyond the sampling interval that the lag figures include', () => {
    const rule = rules.find((r) => r.alert === 'SignaalrouteEventLoopSaturated')!;
    const threshold = Number(/>\s*([0-9.]+)\s*$/.exec(rule.expr)?.[1]);
    expect(threshold).toBeCloseTo((EVENT_LOOP_SAMPLING_MS + 100) / 1000, 6);
  });

  it('use only metrics the product exposes', () => {
    const used = rules.flatMap((r) => metricsOf(r.expr).map((metric) => ({ alert: r.alert, metric })));
    expect(used.length).toBeGreaterThanOrEqual(rules.length);
    expect(used.filter((u) => !exposed.has(u.metric))).toEqual([]);
  });
});
