import './production-mode.js';
import { createGateway } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/** Past the grace period: time for close() to end the connections left and write the last log lines. */
const EXIT_BACKSTOP_MS = 5_000;

/** Process start and stop only: everything else lives in app.ts. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`agent-gateway: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const gateway = createGateway(config);
  let url: string;
  try {
    url = await gateway.listen(config.port, config.host);
  } catch (err) {
    // A port taken or an address not ours is the operator's to fix: one line, not a stack trace.
    const { code } = err as { code?: string };
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
    const why = { EADDRINUSE: 'is already in use', EACCES: 'needs privileges this process lacks', EADDRNOTAVAIL: 'is not an address of this machine' }[code];
    process.stderr.write(`agent-gateway: cannot listen on ${config.host}:${config.port}: the ${code === 'EADDRNOTAVAIL' ? 'host' : 'port'} ${why} (${code}); set PORT or HOST\n`);
    process.exit(1);
  }
  gateway.logger.info({ msg: 'listening', url: `${url}/graphql`, port: Number(new URL(url).port), gitlab: config.gitlabUrl });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ msg: 'draining', signal, graceMs: config.shutdownGraceMs });
    // close() ends every connection at the grace period; should anything still hold it, the process goes anyway.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + EXIT_BACKSTOP_MS).unref();
    gateway.close(config.shutdownGraceMs).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
