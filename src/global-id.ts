import type { ProjectKey } from './datasources/models.js';
import { badUserInput } from './errors.js';

/**
 * Opaque global IDs: base64url of `Type:n/n/...`, holding every number the
 * REST path of the object needs, so that decoding one costs no REST call.
 */
const PARTS = {
  Project: ['projectId'],
  Agent: ['projectId', 'agentId'],
  AgentToken: ['projectId', 'agentId', 'tokenId'],
  UrlConfiguration: ['projectId', 'agentId', 'id'],
} as const;

export type NodeTypeName = keyof typeof PARTS;
export type IdParts<T extends NodeTypeName> = { [P in (typeof PARTS)[T][number]]: number };

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

function isNodeType(name: string): name is NodeTypeName {
  return Object.hasOwn(PARTS, name);
}

/** For the relay plugin: any malformed ID is the caller's mistake, never a crash or a REST call. */
export function decodeGlobalId(globalId: string): { typename: NodeTypeName; id: string } {
  const text = /^[A-Za-z0-9_-]+$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const match = /^([A-Za-z]+):(\d{1,15}(?:\/\d{1,15}){0,2})$/.exec(text);
  const typename = match?.[1];
  if (!match || !typename || !isNodeType(typename) || match[2]!.split('/').length !== PARTS[typename].length) {
    throw badUserInput(`"${truncate(globalId)}" is not a valid ID of this API`);
  }
  return { typename, id: match[2]! };
}

/** The numbers inside a global ID of the expected type, or a BAD_USER_INPUT error naming the argument. */
export function parseGlobalId<T extends NodeTypeName>(globalId: string, expected: T, argument = 'id'): IdParts<T> {
  const { typename, id } = decodeGlobalId(globalId);
  if (typename !== expected) {
    throw badUserInput(`${argument} must be the ID of ${withArticle(expected)}, but "${truncate(globalId)}" is the ID of ${withArticle(typename)}`, {
      argument,
    });
  }
  return idParts(expected, id);
}

export function idParts<T extends NodeTypeName>(typename: T, id: string): IdParts<T> {
  const numbers = id.split('/').map(Number);
  return Object.fromEntries(PARTS[typename].map((name, i) => [name, numbers[i]])) as IdParts<T>;
}

/** Joined by hand, not with map and join: it runs for every object's `id`, and that halved its cost (~0.9 → 0.45 µs). */
export function globalIdOf<T extends NodeTypeName>(typename: T, parts: IdParts<T>): string {
  const names: readonly string[] = PARTS[typename];
  const numbers = parts as Record<string, number>;
  let id = String(numbers[names[0]!]);
  for (let i = 1; i < names.length; i++) id += `/${numbers[names[i]!]}`;
  return encodeGlobalId(typename, id);
}

/** `Query.project(id:)` takes a global ID, a numeric id or a full path. */
export function parseProjectKey(id: string, argument = 'id'): ProjectKey {
  const invalid = () =>
    badUserInput(`${argument} must be a Project ID, a numeric project id or a full path such as "group/project"`, { argument });
  if (/^\d{1,15}$/.test(id)) return Number(id);
  if (id.includes('/')) {
    const path = id.replace(/^\/+|\/+$/g, '');
    if (!path.includes('/') || path.split('/').includes('')) throw invalid();
    return path;
  }
  let decoded: ReturnType<typeof decodeGlobalId>;
  try {
    decoded = decodeGlobalId(id);
  } catch {
    throw invalid();
  }
  if (decoded.typename !== 'Project') {
    throw badUserInput(`${argument} must identify a Project, but "${id}" is the ID of ${withArticle(decoded.typename)}`, { argument });
  }
  return idParts('Project', decoded.id).projectId;
}

/** "an Agent", "a Project", "a UrlConfiguration" (said "you-"): the type names of this API, as a message says them. */
function withArticle(typename: string): string {
  return `${/^[AEIO]/.test(typename) ? 'an' : 'a'} ${typename}`;
}

/** Echoing a caller's input back is fine; echoing a megabyte of it is not. */
function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
