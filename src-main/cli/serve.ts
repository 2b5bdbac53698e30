import type { Command } from 'commander';
import { serveWorkbench } from '../host/create-host';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the workbench UI and its API over HTTP + WebSocket (loopback and a per-launch token by default).')
    .option('--host <host>', 'interface to bind; anything but loopback exposes the app to the network', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', (v) => parsePort(v), 0)
    .option('--project <dir>', 'project folder to open')
    .option('--allowed-host <name...>', 'extra Host header values to accept (e.g. a tunnel name:port)')
    .action(async (opts: { host: string; port: number; project?: string; allowedHost?: string[] }) => {
      const host = await serveWorkbench({ host: opts.host, port: opts.port, project: opts.project ?? null, allowedHosts: opts.allowedHost });
      console.log(`EADER Workbench is serving at ${host.url}`);
      const stop = (): void => {
        void host.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0..65535, got "${value}"`);
  return port;
}
