import type { GraphQLObjectType } from 'graphql';
import { expect, test } from 'vitest';
import { schema } from '../src/schema/index.js';

/**
 * graphql-jit reads a field without a resolver as a plain property, inline;
 * one with a resolver costs every object of a list a resolver call, a
 * resolve info, a path and closures (~550 B, docs/benchmarks.md). Lists of
 * agents, tokens and URL configurations are what the gateway answers most,
 * and their models carry `id` and `databaseId` ready (src/datasources/models.ts).
 */
test.each(['Agent', 'AgentToken', 'UrlConfiguration'])('%s: id and databaseId are read from the model, with no resolver', (typename) => {
  const fields = (schema.getType(typename) as GraphQLObjectType).getFields();
  expect(fields.id!.resolve).toBeUndefined();
  expect(fields.databaseId!.resolve).toBeUndefined();
});
