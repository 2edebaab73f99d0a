/**
 * `npm run demo`: the gateway against an embedded GitLab simulator filled
 * with demo data. Nothing else to install or start.
 */
import { readFileSync } from 'node:fs';
import { createGateway } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { startSimulator } from '../simulator/src/index.js';
import type { Seed } from '../simulator/src/index.js';

/** Who and what the demo seed (simulator/seeds/demo.json) has. */
const DEMO = {
  project: 'acme/infra/platform',
  maintainerToken: 'demo-maintainer-token',
  developerToken: 'demo-developer-token',
  outsiderToken: 'demo-outsider-token',
};

const seed = JSON.parse(readFileSync(new URL('../simulator/seeds/demo.json', import.meta.url), 'utf8')) as Seed;

/** One line per seeded project: its full path, visibility and agents, as the banner lists them. */
function demoProjects({ groups, projects, agents }: Seed): string {
  const groupPath = (id: number): string => {
    const group = groups.find((g) => g.id === id)!;
    return group.parent_id == null ? group.path : `${groupPath(group.parent_id)}/${group.path}`;
  };
  return projects
    .map((project) => {
      const names = agents.filter((agent) => agent.project_id === project.id).map((agent) => agent.name);
      return `  ${`${groupPath(project.namespace_id)}/${project.path}`.padEnd(30)} ${project.visibility.padEnd(9)} agents: ${names.join(', ') || 'none'}\n`;
    })
    .join('');
}

let config;
try {
  config = loadConfig({ ...process.env, GITLAB_URL: 'http://127.0.0.1' });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`agent-gateway demo: ${err.message}\n`);
  process.exit(1);
}

// DEMO_TLS=1: GitLab over HTTPS with a certificate of its own, trusted by this gateway alone (with GITLAB_HTTP2=auto, over HTTP/2).
const simulator = await startSimulator({ seed, latencyMs: Number(process.env.DEMO_LATENCY_MS ?? 0), tls: process.env.DEMO_TLS === '1' });
const gateway = createGateway({ ...config, gitlabUrl: simulator.url, gitlabCa: simulator.ca, exampleProject: DEMO.project });
const url = await gateway.listen(config.port, config.host === '0.0.0.0' ? '127.0.0.1' : config.host);

process.stdout.write(`
agent-gateway demo
  GraphiQL:          ${url}/graphql   (open it in a browser)
  GitLab simulator:  ${simulator.url}/api/v4

Paste this into GraphiQL's Headers tab (a Maintainer of every demo project):
  { "Authorization": "Bearer ${DEMO.maintainerToken}" }
Other demo callers: "${DEMO.developerToken}" (Developer: reads, cannot write), "${DEMO.outsiderToken}" (a member of nothing: public projects only, and no agents).

Demo projects (\`project(id: "…")\` takes these paths):
${demoProjects(seed)}
The six mutations end to end, with their user errors: docs/walkthrough.md.

Ctrl-C stops both.
`);

const stop = () => {
  void gateway.close(1_000).then(() => simulator.close()).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
