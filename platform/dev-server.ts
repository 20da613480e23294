// Starts the Temporal CLI dev server as a child process (used by `npm start`, the tests and the
// benchmarks). With a db file it persists across restarts; without one it lives in memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../shared/search-attributes';
import { resolveTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** SQLite file; absent → in-memory */
  dbFile?: string;
  ip?: string;
  /** 0 or absent → a free port */
  port?: number;
  /** false → headless; a number → that port; absent → a free port */
  uiPort?: number | false;
  namespace?: string;
  codecEndpoint?: string;
  log?: (line: string) => void;
  /** where the server's own log lines go (default: dropped unless they look like errors) */
  serverLog?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? ((line: string) => console.error(line));
  const cli = await resolveTemporalCli({ log });
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await freePort(ip));
  const uiPort = options.uiPort === false ? undefined : options.uiPort || (await freePort(ip));
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn', '--log-format', 'json'];
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    // WAL + synchronous=OFF: file persistence at close to in-memory speed (as the SDK's own CI does).
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  }
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);

  const child = spawn(cli.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 50) recent.shift();
      if (options.serverLog) options.serverLog(line);
      else if (/"level":"(error|fatal)"/.test(line)) log(`[temporal] ${line}`);
    }
  };
  child.stdout!.on('data', onLine);
  child.stderr!.on('data', onLine);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const address = `${ip}:${port}`;
  try {
    await waitUntilServing(address, exited, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${recent.slice(-15).join('\n')}`);
  }
  return {
    address,
    uiUrl: uiPort ? `http://${ip === '127.0.0.1' ? 'localhost' : ip}:${uiPort}` : undefined,
    pid: child.pid!,
    stop: () => stopChild(child, exited),
  };
}

async function waitUntilServing(address: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  while (Date.now() < deadline) {
    if (early !== undefined) throw new Error(`Temporal dev server exited with code ${early} before serving`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal dev server did not answer on ${address} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
