import { ed25519PublicKeyFromSeed } from './pem.js';
import { ACCESS } from './seed.js';
import type { Members, Seed, SeedAgent, SeedGroup, SeedProject, SeedToken, SeedUrlConfiguration, SeedUser } from './seed.js';

/** The test fixture's callers: each token authenticates one user. */
export const TOKENS = {
  /** Instance administrator, member of nothing. */
  admin: 'glpat-admin',
  /** Maintainer of every fixture project except other/private. */
  maintainer: 'glpat-maintainer',
  /** Developer of the same projects. */
  developer: 'glpat-developer',
  /** Reporter of the same projects. */
  reporter: 'glpat-reporter',
  /** Member of nothing. */
  outsider: 'glpat-outsider',
  /** Maintainer of other/private only. */
  other: 'glpat-other',
  /** Maintainer of the same projects as `maintainer`, whose `preferred_language` is German: GitLab answers her in German. */
  maintainerDe: 'glpat-maintainer-de',
} as const;

/** The user id behind each of `TOKENS` (what `created_by_user_id` shows). */
export const USERS = { admin: 1, maintainer: 10, developer: 11, reporter: 12, outsider: 13, other: 14, maintainerDe: 15 } as const;

/** The test fixture's projects: id, full path, and how many agents each starts with. All private except `public`. */
export const PROJECTS = {
  main: { id: 20, path: 'g/p', agents: 20 },
  nested: { id: 21, path: 'g/sub/deep/nested', agents: 3 },
  many: { id: 22, path: 'big/many', agents: 130 },
  huge: { id: 23, path: 'big/huge', agents: 250 },
  otherPrivate: { id: 24, path: 'other/private', agents: 5 },
  empty: { id: 25, path: 'g/empty', agents: 0 },
  public: { id: 26, path: 'pub/lic', agents: 2 },
} as const;

/** The old path of `PROJECTS.main`: GET redirects (301) to the id URL, other methods get 405. */
export const RENAMED_PATH = 'g/old-name';

/** The agents of `PROJECTS.nested`, by name; find their ids with `sim.agentsOf(21)`. */
export const AGENTS = {
  /** Has a JWT-mode URL configuration (a `public_key`). */
  withJwt: 'jwt-cluster',
  /** Has a certificate-mode URL configuration (`client_cert`, `ca_cert`, `tls_host`). */
  withMtls: 'mtls-cluster',
  /** Has no URL configuration. */
  withoutUrlConfiguration: 'edge',
} as const;

/** A static self-signed certificate and its key, for the seeded mTLS configuration (test data only). */
const SEED_CERT = `-----BEGIN CERTIFICATE-----
MIIBlzCCAT2gAwIBAgIUbE//Uz0TZJ675IXgKex5i+aBftkwCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWc2VlZC1hZ2VudC5leGFtcGxlLmNvbTAeFw0yNjExMjUwNzM5
MDdaFw00NjExMjAwNzM5MDdaMCExHzAdBgNVBAMMFnNlZWQtYWdlbnQuZXhhbXBs
ZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATVK1JyhTM5sFE5148kLU5l
Lq6OcLauewI4UPaJYftWmc1ddSEsROmVqN2FI59v0c4XbiynI5RZED8baC6uuXjs
o1MwUTAdBgNVHQ4EFgQU5He4kbcd+YS9lUYsN5cqvwe1Jw4wHwYDVR0jBBgwFoAU
5He4kbcd+YS9lUYsN5cqvwe1Jw4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
AgNIADBFAiEAp5nXImI66/de/z9f1ek0tq2azDnldcI08KOWZn3fLwsCIHHfO2Zn
rGpmjxtNylKs6pTJcOOYmmTPMLKa60ceO9SW
-----END CERTIFICATE-----
`;
const SEED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHoFj8lwDbQxUo555
DhDUI9HP/WgbGfFN4hMJ2gZNdeihRANCAATVK1JyhTM5sFE5148kLU5lLq6OcLau
ewI4UPaJYftWmc1ddSEsROmVqN2FI59v0c4XbiynI5RZED8baC6uuXjs
-----END PRIVATE KEY-----
`;

const team: Members = {
  [USERS.maintainer]: ACCESS.maintainer,
  [USERS.maintainerDe]: ACCESS.maintainer,
  [USERS.developer]: ACCESS.developer,
  [USERS.reporter]: ACCESS.reporter,
};

/** A fixed instant: `day` days into 2024, with milliseconds, as GitLab prints them. */
const at = (day: number, second = 0) => new Date(Date.UTC(2024, 0, 1 + day, 9, 0, second, 123)).toISOString();

function project(id: number, name: string, path: string, namespaceId: number, members: Members, description: string | null): SeedProject {
  return { id, name, path, namespace_id: namespaceId, description, created_at: at(id), visibility: 'private', members: { ...members } };
}

/**
 * The data every test starts from; every id is deterministic. Agent ids are
 * handed out in the reverse of name order, so code that confuses GitLab's
 * order (by name) with id order shows. Every seventh agent has lost its
 * creator (`created_by_user_id: null`).
 */
export function testSeed(): Seed {
  const users: SeedUser[] = [
    { id: USERS.admin, username: 'root', name: 'Administrator', tokens: [TOKENS.admin], admin: true },
    { id: USERS.maintainer, username: 'maria', name: 'Maria Maintainer', tokens: [TOKENS.maintainer] },
    { id: USERS.developer, username: 'dev', name: 'Dee Developer', tokens: [TOKENS.developer] },
    { id: USERS.reporter, username: 'rep', name: 'Ray Reporter', tokens: [TOKENS.reporter] },
    { id: USERS.outsider, username: 'out', name: 'Olly Outsider', tokens: [TOKENS.outsider] },
    { id: USERS.other, username: 'otto', name: 'Otto Other', tokens: [TOKENS.other] },
    { id: USERS.maintainerDe, username: 'greta', name: 'Greta Gruppenleiterin', tokens: [TOKENS.maintainerDe], preferred_language: 'de' },
  ];

  const groups: SeedGroup[] = [
    { id: 100, name: 'G', path: 'g', parent_id: null },
    { id: 101, name: 'Sub', path: 'sub', parent_id: 100 },
    { id: 102, name: 'Deep', path: 'deep', parent_id: 101 },
    { id: 103, name: 'Big', path: 'big', parent_id: null },
    { id: 104, name: 'Other', path: 'other', parent_id: null },
    { id: 105, name: 'Pub', path: 'pub', parent_id: null },
  ];

  const projects: SeedProject[] = [
    { ...project(PROJECTS.main.id, 'P', 'p', 100, team, 'The main test project'), previous_paths: [RENAMED_PATH] },
    project(PROJECTS.nested.id, 'Nested', 'nested', 102, team, null),
    project(PROJECTS.many.id, 'Many', 'many', 103, team, ''),
    project(PROJECTS.huge.id, 'Huge', 'huge', 103, team, 'Two hundred and fifty agents'),
    project(PROJECTS.otherPrivate.id, 'Private', 'private', 104, { [USERS.other]: ACCESS.maintainer }, 'Only Otto sees this'),
    project(PROJECTS.empty.id, 'Empty', 'empty', 100, team, 'No agents yet'),
    { ...project(PROJECTS.public.id, 'Lic', 'lic', 105, team, 'Public'), visibility: 'public' },
  ];

  const agents: SeedAgent[] = [];
  const tokens: SeedToken[] = [];
  let nextId = 1;
  const addAgents = (projectId: number, names: string[]) => {
    const created = [...names].reverse().map((name, i) => ({
      id: nextId++,
      project_id: projectId,
      name,
      created_at: at(10 + i),
      created_by_user_id: i % 7 === 3 ? null : USERS.maintainer,
    }));
    agents.push(...created);
    return created;
  };
  const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, '0')}`);

  // Each agent of g/p: a revoked token, and two active ones. Half of the
  // agents have a never-used token, which GitLab lists last although it was
  // created first.
  for (const [i, agent] of addAgents(PROJECTS.main.id, numbered('agent', PROJECTS.main.agents)).entries()) {
    const token = (name: string, status: SeedToken['status'], lastUsed: string | null): SeedToken => ({
      id: nextId++,
      agent_id: agent.id,
      name,
      description: status === 'revoked' ? 'rotated out' : null,
      status,
      created_at: at(40 + i),
      created_by_user_id: USERS.maintainer,
      last_used_at: lastUsed,
    });
    tokens.push(token('old', 'revoked', at(45)), token('primary', 'active', i % 2 === 0 ? at(60 + i, 5) : null), token('secondary', 'active', at(50 + i)));
  }

  const nested = addAgents(PROJECTS.nested.id, [AGENTS.withoutUrlConfiguration, AGENTS.withJwt, AGENTS.withMtls]);
  const named = (name: string) => nested.find((a) => a.name === name)!;
  for (const agent of [named(AGENTS.withJwt), named(AGENTS.withMtls)]) {
    tokens.push({ id: nextId++, agent_id: agent.id, name: 'deploy', description: 'deploys', status: 'active', created_at: at(70), created_by_user_id: USERS.maintainer, last_used_at: at(71) });
  }
  const urlConfigurations: SeedUrlConfiguration[] = [
    {
      id: nextId++,
      agent_id: named(AGENTS.withJwt).id,
      url: 'grpcs://jwt-cluster.example.com:4242',
      public_key: ed25519PublicKeyFromSeed(Buffer.alloc(32, 7)),
      client_cert: null,
      client_key: null,
      ca_cert: null,
      tls_host: null,
      updated_at: at(72),
    },
    {
      id: nextId++,
      agent_id: named(AGENTS.withMtls).id,
      url: 'grpc://10.1.2.3:8080',
      public_key: null,
      client_cert: SEED_CERT,
      client_key: SEED_KEY,
      ca_cert: SEED_CERT,
      tls_host: 'seed-agent.example.com',
      updated_at: at(72),
    },
  ];

  addAgents(PROJECTS.many.id, numbered('many', PROJECTS.many.agents));
  addAgents(PROJECTS.huge.id, numbered('huge', PROJECTS.huge.agents));
  addAgents(PROJECTS.otherPrivate.id, numbered('secret', PROJECTS.otherPrivate.agents));
  addAgents(PROJECTS.public.id, ['public-a', 'public-b']);

  return { users, groups, projects, agents, tokens, urlConfigurations, receptiveAgentsEnabled: true };
}
