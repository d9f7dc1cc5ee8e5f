/**
 * Architecture rules, checked in CI (`npm run depcheck`):
 *  - libs never import apps;
 *  - an app never imports another app — except the composition root `apps/signaalroute`, which may import
 *    only the other apps' `*.app.ts` descriptors;
 *  - libs/domain is pure: it imports nothing outside itself (no Nest, no I/O, no other lib).
 */
module.exports = {
  forbidden: [
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-import-other-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/signaalroute/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'composition-root-imports-app-descriptors-only',
      severity: 'error',
      from: { path: '^apps/signaalroute/' },
      to: { path: '^apps/', pathNot: ['^apps/signaalroute/', '^apps/[^/]+/src/[^/]+[.]app[.]ts$'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { pathNot: '^libs/domain/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|/test/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
