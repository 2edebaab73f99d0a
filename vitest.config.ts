import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) copies. Node, and so every
    // dependency it loads (yoga, Pothos), takes the CJS one; without this
    // alias Vite would hand our own code the ESM one, and `instanceof
    // GraphQLError` would fail across the two.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The abuse suite (attacks on a real process, seconds each) and the production install (an npm ci of its
    // own) run once per CI run, on the machine's Node: .ci/run sets SKIP_HEAVY_TESTS=1 for the other Nodes.
    exclude:
      process.env.SKIP_HEAVY_TESTS === '1'
        ? ['test/abuse/**', 'test/production/production-install.test.ts', '**/node_modules/**']
        : ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
