import { expect, test } from 'vitest';
import { buildSchema } from 'graphql';
import { undescribed } from './helpers/undescribed.js';
import { subgraphSchema } from '../src/schema/index.js';

test('every type, field, argument, input field and enum value of the served schema has a description', () => {
  expect(undescribed(subgraphSchema)).toEqual([]);
});

test('the check names what has no description', () => {
  const schema = buildSchema(`
    """Described."""
    type Query { """Described.""" a(x: Int): B }
    type B { b: String }
  `);
  expect(undescribed(schema)).toEqual(['Query.a(x:)', 'B', 'B.b']);
});

test('messages name types with the right article', async () => {
  const { parseGlobalId, globalIdOf } = await import('../src/global-id.js');
  const agentId = globalIdOf('Agent', { projectId: 1, agentId: 2 });
  expect(() => parseGlobalId(agentId, 'UrlConfiguration')).toThrow(/must be the ID of a UrlConfiguration, but .* is the ID of an Agent$/);
});
