import { ACCESS } from './seed.js';
import type { Seed, SeedAgent, SeedProject, SeedToken, SeedUrlConfiguration, SeedUser } from './seed.js';

/** The test fixture's callers: each token authenticates one user. */
export const TOKENS = {
  admin: 'glpat-admin',
  maintainer: 'glpat-maintainer',
  developer: 'glpat-developer',
  reporter: 'glpat-reporter',
  outsider: 'glpat-outsider',
  /** Maintainer of other/private only. */
  other: 'glpat-other',
} as const;

/** The test fixture's projects: id and full path. */
export const PROJECTS = {
  main: { id: 20, path: 'g/p', agents: 20 },
  nested: { id: 21, path: 'g/sub/deep/nested', agents: 3 },
  many: { id: 22, path: 'big/many', agents: 130 },
  huge: { id: 23, path: 'big/huge', agents: 250 },
  otherPrivate: { id: 24, path: 'other/private', agents: 5 },
  empty: { id: 25, path: 'g/empty', agents: 0 },
  public: { id: 26, path: 'pub/lic', agents: 2 },
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
/** A fixed Ed25519 public key (base64 of 32 bytes) for the seeded JWT configuration. */
const SEED_PUBLIC_KEY = Buffer.alloc(32, 7).toString('base64');

const users: SeedUser[] = [
  { id: 1, username: 'root', name: 'Administrator', tokens: [TOKENS.admin], admin: true },
  { id: 10, username: 'maria', name: 'Maria Maintainer', tokens: [TOKENS.maintainer] },
  { id: 11, username: 'dev', name: 'Dee Developer', tokens: [TOKENS.developer] },
  { id: 12, username: 'rep', name: 'Ray Reporter', tokens: [TOKENS.reporter] },
  { id: 13, username: 'out', name: 'Olly Outsider', tokens: [TOKENS.outsider] },
  { id: 14, username: 'otto', name: 'Otto Other', tokens: [TOKENS.other] },
];

const team = { 10: ACCESS.maintainer, 11: ACCESS.developer, 12: ACCESS.reporter };

const at = (day: number, second = 0) => new Date(Date.UTC(2024, 0, 1 + day, 9, 0, second, 123)).toISOString();

/**
 * The data every test starts from. Agent ids are handed out in the reverse
 * of name order, so code that confuses GitLab's order (by name) with id
 * order shows.
 */
export function testSeed(): Seed {
  const projects: SeedProject[] = [
    project(20, 'P', 'p', 'g', 'G', team, 'The main test project'),
    project(21, 'Nested', 'nested', 'g/sub/deep', 'G / Sub / Deep', team, null),
    project(22, 'Many', 'many', 'big', 'Big', team, ''),
    project(23, 'Huge', 'huge', 'big', 'Big', team, 'Two hundred and fifty agents'),
    project(24, 'Private', 'private', 'other', 'Other', { 14: ACCESS.maintainer }, 'Only Otto sees this'),
    project(25, 'Empty', 'empty', 'g', 'G', team, 'No agents yet'),
    { ...project(26, 'Lic', 'lic', 'pub', 'Pub', team, 'Public'), visibility: 'public' },
  ];
  projects[0]!.previousPaths = ['g/old-name'];

  const agents: SeedAgent[] = [];
  const tokens: SeedToken[] = [];
  const urlConfigurations: SeedUrlConfiguration[] = [];
  let nextId = 1;
  const addAgents = (projectId: number, names: string[]) => {
    const created = [...names].reverse().map((name, i) => ({
      id: nextId++,
      project_id: projectId,
      name,
      created_at: at(10 + i),
      created_by_user_id: i % 7 === 3 ? null : 10,
    }));
    agents.push(...created);
    return created;
  };
  const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, '0')}`);

  const main = addAgents(20, numbered('agent', 20));
  for (const [i, agent] of main.entries()) {
    const token = (name: string, status: 'active' | 'revoked', lastUsed: string | null): SeedToken => ({
      id: nextId++,
      agent_id: agent.id,
      name,
      description: status === 'revoked' ? 'rotated out' : null,
      status,
      created_at: at(40 + i),
      created_by_user_id: 10,
      last_used_at: lastUsed,
    });
    tokens.push(token('old', 'revoked', at(45)), token('primary', 'active', i % 2 === 0 ? at(60 + i, 5) : null), token('secondary', 'active', at(50 + i)));
  }

  const [withJwt, withMtls] = addAgents(21, ['edge', 'jwt-cluster', 'mtls-cluster']).reverse().slice(1);
  for (const agent of [withJwt!, withMtls!]) {
    tokens.push({ id: nextId++, agent_id: agent.id, name: 'deploy', description: 'deploys', status: 'active', created_at: at(70), created_by_user_id: 10, last_used_at: at(71) });
  }
  urlConfigurations.push(
    { id: nextId++, agent_id: withJwt!.id, url: 'grpcs://jwt-cluster.example.com:4242', public_key: SEED_PUBLIC_KEY, client_cert: null, client_key: null, ca_cert: null, tls_host: null },
    { id: nextId++, agent_id: withMtls!.id, url: 'grpc://10.1.2.3:8080', public_key: null, client_cert: SEED_CERT, client_key: SEED_KEY, ca_cert: SEED_CERT, tls_host: 'seed-agent.example.com' },
  );

  addAgents(22, numbered('many', 130));
  addAgents(23, numbered('huge', 250));
  addAgents(24, numbered('secret', 5));
  addAgents(26, ['public-a', 'public-b']);

  return { users, projects, agents, tokens, urlConfigurations, receptiveAgentsEnabled: true };
}

function project(id: number, name: string, path: string, namespace: string, namespaceName: string, members: Record<number, number>, description: string | null): SeedProject {
  return {
    id,
    name,
    path,
    namespace,
    namespaceName,
    description,
    created_at: at(id),
    visibility: 'private',
    members: Object.fromEntries(Object.entries(members).map(([k, v]) => [k, v])),
  };
}
