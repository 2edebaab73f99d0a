/**
 * Imported first by the process entry point, before graphql loads: unless
 * NODE_ENV is "production", graphql-js checks every failed `instanceof`
 * against a possible second copy of itself, which costs about a fifth of a
 * query's execution time (docs/benchmarks.md). A NODE_ENV set by the
 * operator still wins.
 */
process.env.NODE_ENV ??= 'production';
