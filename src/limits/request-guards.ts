import { readFileSync } from 'node:fs';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';

/** Rejects introspection queries when the schema is not meant to be explored. */
export function disableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * A browser can send a "simple" cross-site request without asking; requiring
 * a JSON content type or a custom header on every GraphQL request stops
 * such forged requests (GraphiQL and real clients send JSON).
 */
export function csrfPrevention(): Plugin {
  return useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight'] }) as Plugin;
}

/** Persisted operations from a JSON file (hash → query); with `only`, nothing else is accepted. */
export function persistedOperations(file: string, only: boolean): Plugin {
  const store = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
  return usePersistedOperations({
    getPersistedOperation: (key) => store.get(key) ?? null,
    allowArbitraryOperations: !only,
  }) as Plugin;
}
