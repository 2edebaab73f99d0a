import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULTS, loadConfig } from '../../src/config.js';
import { ROOT } from './dockerfile.js';

/** deploy/kubernetes names only what the gateway really reads and serves: a renamed variable or route fails here, not in a cluster. */
const DIR = join(ROOT, 'deploy/kubernetes');
const read = (file: string) => parseYaml(readFileSync(join(DIR, file), 'utf8'));
const kustomization = read('kustomization.yaml');
const manifests = (kustomization.resources as string[]).map(read);
const byKind = (kind: string) => manifests.find((m) => m.kind === kind);

const deployment = byKind('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const env: Record<string, string> = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
const config = loadConfig(env);
const port = (nameOrNumber: string | number) =>
  typeof nameOrNumber === 'number' ? nameOrNumber : container.ports.find((p: { name: string }) => p.name === nameOrNumber)?.containerPort;

test('kustomization ties a Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler together', () => {
  expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
  const labels = deployment.spec.template.metadata.labels;
  expect(deployment.spec.selector.matchLabels).toEqual(labels);
  expect(byKind('Service').spec.selector).toEqual(labels);
  expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
  expect(byKind('HorizontalPodAutoscaler').spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
  expect(byKind('HorizontalPodAutoscaler').spec.metrics[0].resource.name).toBe('cpu');
});

test('every environment variable is one src/config.ts reads, with a value it accepts', () => {
  const source = readFileSync(join(ROOT, 'src/config.ts'), 'utf8');
  for (const name of Object.keys(env)) expect(source, name).toMatch(new RegExp(`'${name}'|env\\.${name}\\b`));
  expect(config.port).toBe(Number(env.PORT));
});

test('the container ports are the ones the gateway listens on, and the probes hit its real routes on the main one', () => {
  const routes = readFileSync(join(ROOT, 'src/http/probes.ts'), 'utf8');
  expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([config.port, config.metricsPort]);
  expect(config.port).toBe(DEFAULTS.port);
  expect(container.readinessProbe.httpGet.path).toBe('/readyz');
  expect(container.livenessProbe.httpGet.path).toBe('/healthz');
  for (const probe of [container.readinessProbe, container.livenessProbe]) {
    expect(routes).toContain(`'${probe.httpGet.path}'`);
    expect(port(probe.httpGet.port)).toBe(config.port);
  }
  expect(port(byKind('Service').spec.ports[0].targetPort)).toBe(config.port);
});

test('metrics are scraped from their own port, which the Service does not expose', () => {
  const annotations = deployment.spec.template.metadata.annotations;
  expect(readFileSync(join(ROOT, 'src/http/probes.ts'), 'utf8')).toContain("'/metrics'");
  expect(port('metrics')).toBe(config.metricsPort);
  expect(config.metricsPort).not.toBe(config.port);
  expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(config.metricsPort), 'prometheus.io/path': '/metrics' });
  expect(byKind('Service').spec.ports.map((p: { targetPort: string | number }) => port(p.targetPort))).toEqual([config.port]);
});

test('the kubelet waits longer than the preStop pause plus the drain plus the process exit backstop', () => {
  const preStopMs = Number(container.lifecycle.preStop.exec.command[1]) * 1000;
  const backstopMs = Number(/EXIT_BACKSTOP_MS = ([\d_]+)/.exec(readFileSync(join(ROOT, 'src/server.ts'), 'utf8'))![1]!.replace(/_/g, ''));
  expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(preStopMs + config.shutdownGraceMs + backstopMs);
});

test('memory covers the 128 MiB heap plus ~100 MiB, CPU is one core, and the pod runs locked down', () => {
  expect(container.resources.limits.memory).toBe('256Mi');
  expect(container.resources.requests.memory).toBe('192Mi');
  expect(container.resources.limits.cpu).toBe('1');
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
});

test('the persisted operations come from the ConfigMap, mounted where PERSISTED_OPERATIONS_FILE points, and are valid queries under their sha256', () => {
  const generator = kustomization.configMapGenerator[0];
  const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === generator.name);
  const mount = container.volumeMounts.find((m: { name: string }) => m.name === volume.name);
  const file = config.persistedOperationsFile!;
  expect(dirname(file)).toBe(mount.mountPath);
  expect(generator.files).toContain(file.slice(mount.mountPath.length + 1));

  const schema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
  const operations = Object.entries(JSON.parse(readFileSync(join(DIR, file.split('/').at(-1)!), 'utf8')) as Record<string, string>);
  expect(operations.length).toBeGreaterThan(0);
  for (const [hash, text] of operations) {
    expect(createHash('sha256').update(text).digest('hex')).toBe(hash);
    expect(validate(schema, parse(text))).toEqual([]);
  }
});
