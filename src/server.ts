import './production-mode.js';
import { createGateway } from './app.js';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.js';
import type { Logger } from './observability/logger.js';
import { startTracing, tracingSettings } from './observability/tracing.js';

/** Past the grace period: time for close() to end the connections left and write the last log lines. */
const EXIT_BACKSTOP_MS = 5_000;
/** Within the backstop: spans a collector cannot take by then are not worth a slower exit. */
const TRACES_FLUSH_MS = 2_000;

/** Process start and stop only: everything else lives in app.ts. */
async function main(): Promise<void> {
  let config;
  let traces;
  try {
    config = loadConfig();
    traces = tracingSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`agent-gateway: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // Before the gateway, whose requests it traces; the SDK's warnings go to the gateway's log once there is one.
  let logger: Logger | undefined;
  const tracing = traces ? await startTracing(traces, { gitlabUrl: config.gitlabUrl, warn: (detail) => logger?.warn({ msg: 'tracing', detail }) }) : undefined;
  const gateway = createGateway({ ...config, tracer: tracing?.tracer });
  logger = gateway.logger;
  let url: string;
  try {
    url = await gateway.listen(config.port, config.host);
  } catch (err) {
    // A port taken or an address not ours is the operator's to fix: one line, not a stack trace.
    const { code, port } = err as { code?: string; port?: number };
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
    const why = { EADDRINUSE: 'is already in use', EACCES: 'needs privileges this process lacks', EADDRNOTAVAIL: 'is not an address of this machine' }[code];
    const variable = port !== undefined && port === config.metricsPort ? 'METRICS_PORT' : 'PORT';
    process.stderr.write(`agent-gateway: cannot listen on ${config.host}:${port ?? config.port}: the ${code === 'EADDRNOTAVAIL' ? 'host' : 'port'} ${why} (${code}); set ${variable} or HOST\n`);
    process.exit(1);
  }
  const metricsPort = gateway.metricsServer && (gateway.metricsServer.address() as AddressInfo).port;
  gateway.logger.info({ msg: 'listening', url: `${url}/graphql`, port: Number(new URL(url).port), gitlab: config.gitlabUrl, ...(metricsPort === undefined ? {} : { metricsPort }) });
  if (traces) {
    const endpoint = new URL(traces.endpoint);
    gateway.logger.info({ msg: 'tracing', protocol: traces.protocol, endpoint: endpoint.origin + endpoint.pathname, sampler: traces.sampler, samplerRatio: traces.samplerRatio });
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ msg: 'draining', signal, graceMs: config.shutdownGraceMs });
    // close() ends every connection at the grace period; should anything still hold it, the process goes anyway.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + EXIT_BACKSTOP_MS).unref();
    gateway
      .close(config.shutdownGraceMs)
      .then(() => tracing && Promise.race([tracing.shutdown(), new Promise((resolve) => setTimeout(resolve, TRACES_FLUSH_MS).unref())]))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
