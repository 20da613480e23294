// Starts the Temporal CLI dev server as a child process (used by `npm start`, the tests and the
// benchmarks). With a db file it persists across restarts; without one it lives in memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../shared/search-attributes';
import { pdeathsigLauncher, portInUse, removeRecord, stopOrphan, writeRecord } from './dev-server-guard';
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
  /** start it again when it exits on its own (npm start: an operator or the OOM killer stopped it) */
  restartOnExit?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  /** the serving process's pid (a new one after a restart) */
  readonly pid: number;
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
  if (options.dbFile) await stopOrphan(options.dbFile, log);
  for (const [name, fixed] of [
    ['port', options.port],
    ['UI port', options.uiPort],
  ] as const) {
    // A fixed port held by someone else would be mistaken for our server: refuse it by name instead.
    if (fixed && (await portInUse(ip, fixed))) {
      throw new Error(`The Temporal dev server's ${name} ${ip}:${fixed} is already in use by another process: stop it, or choose another port.`);
    }
  }
  const port = options.port || (await freePort(ip));
  const uiPort = options.uiPort === false ? undefined : options.uiPort || (await freePort(ip));
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn', '--log-format', 'json'];
  // Eager activity dispatch (off by default before server 1.30): an activity scheduled by a workflow task comes back
  // to the same worker in that task's completion answer, saving a matching round trip (bench: reaction's
  // scheduled → started).
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    // WAL + synchronous=OFF: file persistence at close to in-memory speed (as the SDK's own CI does).
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  }
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  // Under setpriv the kernel stops the server when we die, even by kill -9 (setpriv execs it: same pid).
  const launcher = pdeathsigLauncher();
  const command = launcher ?? cli.path;
  const argv = launcher ? ['--pdeathsig', 'SIGTERM', '--', cli.path, ...args] : args;
  const address = `${ip}:${port}`;

  let current = await spawnServing(command, argv, address, options, log);
  let stopping = false;
  const restarts: number[] = [];
  const record = () => options.dbFile && writeRecord({ pid: current.child.pid!, port, uiPort, dbFile: options.dbFile });
  record();
  // Killed under a running app (by an operator, the OOM killer): started again on the same port and database, so
  // workers and clients reconnect by themselves; given up, loudly, after 5 restarts in a minute.
  const supervise = (serving: Spawned) => {
    void serving.exited.then(async (code) => {
      if (stopping || !options.restartOnExit) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts[0] < now - 60_000) restarts.shift();
      if (restarts.length > 5) {
        log(`The Temporal dev server exited (code ${code}) for the 6th time in a minute: not restarting it. Stop with Ctrl-C and start again.`);
        return;
      }
      log(`The Temporal dev server exited unexpectedly (code ${code}): restarting it on ${address}.`);
      try {
        current = await spawnServing(command, argv, address, options, log);
        record();
        supervise(current);
        log(`The Temporal dev server is back on ${address}.`);
      } catch (error) {
        log(`The Temporal dev server could not be restarted: ${(error as Error).message}`);
      }
    });
  };
  supervise(current);
  return {
    address,
    uiUrl: uiPort ? `http://${ip === '127.0.0.1' ? 'localhost' : ip}:${uiPort}` : undefined,
    get pid() {
      return current.child.pid!;
    },
    stop: async () => {
      stopping = true;
      await stopChild(current.child, current.exited);
      if (options.dbFile) removeRecord(options.dbFile, current.child.pid!);
    },
  };
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function spawnServing(command: string, argv: string[], address: string, options: DevServerOptions, log: (line: string) => void): Promise<Spawned> {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  try {
    await waitUntilServing(address, exited, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${recent.slice(-15).join('\n')}`);
  }
  return { child, exited };
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
