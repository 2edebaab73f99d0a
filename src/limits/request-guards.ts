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
 * A browser can send a "simple" cross-site request without asking; a GET or a
 * non-JSON POST must therefore carry a header no browser adds cross-site by
 * itself. The gateway uses no cookies: the caller's token travels only in
 * Authorization or PRIVATE-TOKEN, which a page's own code must set and which
 * force a preflight, so a request carrying one cannot be forged (urql sends
 * its queries as GET with Authorization). Anonymous ones need a CSRF header.
 */
export function csrfPrevention(): Plugin {
  return useCSRFPrevention({ requestHeaders: ['authorization', 'private-token', 'x-graphql-yoga-csrf', 'apollo-require-preflight'] }) as Plugin;
}

interface HttpError {
  message: string;
  extensions: Record<string, unknown> & { http?: { status?: number } };
}

/**
 * Yoga's own HTTP-level refusals (cross-site, bad content type or method,
 * unreadable body) carry an HTTP status: the ones without a code get
 * BAD_REQUEST, so every error tells a client what it is, and an
 * `originalError` keeps its name but not its message, which quotes the
 * caller's body (and any token in it). Its presence is what tells yoga to
 * answer 400 rather than 200.
 */
export function codeHttpRefusals(): Plugin {
  return {
    onResultProcess({ result }) {
      for (const one of Array.isArray(result) ? result : [result]) {
        for (const error of (one as { errors?: HttpError[] }).errors ?? []) {
          if (error.extensions?.http?.status === undefined) continue;
          error.extensions.code ??= 'BAD_REQUEST';
          const original = error.extensions.originalError as { name?: unknown } | undefined;
          if (original) error.extensions.originalError = { name: original.name };
        }
      }
    },
  };
}

/** Persisted operations from a JSON file (hash → query); with `only`, nothing else is accepted. */
export function persistedOperations(file: string, only: boolean): Plugin {
  const store = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
  return usePersistedOperations({
    getPersistedOperation: (key) => store.get(key) ?? null,
    allowArbitraryOperations: !only,
  }) as Plugin;
}
