// The parts of a Testigo deployment as separate OS processes, each of which can be killed with SIGKILL and started
// again on the same data: a private PostgreSQL server, a Temporal dev server on a SQLite file, `npm run api`,
// `npm run worker` and `npm start`. Used by the kill -9 harness (test/support/crash-harness.ts, scripts/crash-harness.ts)
// and meant for any test that needs real processes (two APIs and two workers, a worker killed under load…).
//
// Every process runs in its own process group, so a kill hits that part alone; every node part and PostgreSQL also run
// under `setpriv --pdeathsig SIGKILL`, so they die with the harness even if it is itself killed; and `Cluster.stop()`
// (called from exit and signal handlers by `cleanupOnExit`) leaves nothing running.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pdeathsigLauncher } from '../../platform/dev-server-guard';
import { freePort, startDevServer, type DevServer } from '../../platform/dev-server';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** One killable, restartable part. */
export interface Part {
  readonly name: string;
  /** the pid a kill -9 hits (undefined while down) */
  readonly pid: number | undefined;
  readonly running: boolean;
  start(): Promise<void>;
  /** SIGKILL, and wait until it (and whatever must die with it) is gone */
  kill9(): Promise<void>;
  /** graceful stop (SIGTERM, SIGKILL after a grace period) */
  stop(): Promise<void>;
  /** synchronous last-resort kill (exit handlers) */
  killNow(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until `probe` returns a value (not undefined). */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (!pgid) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** A log file per part under the cluster's directory; the last lines are kept in memory for error messages. */
class Output {
  private lines: string[] = [];
  private all = '';
  private dropped = 0;
  constructor(private readonly file: string) {}
  attach(child: ChildProcess): void {
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      appendFileSync(this.file, text);
      this.all += text;
      if (this.all.length > 2_000_000) {
        this.dropped += this.all.length - 1_000_000;
        this.all = this.all.slice(-1_000_000);
      }
      for (const line of text.split('\n').filter(Boolean)) {
        this.lines.push(line);
        if (this.lines.length > 200) this.lines.shift();
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
  }
  note(line: string): void {
    appendFileSync(this.file, `--- ${new Date().toISOString()} ${line}\n`);
  }
  /** everything printed so far (bounded) — `mark()` then `since(mark)` to look at what came after */
  mark(): number {
    return this.dropped + this.all.length;
  }
  since(mark: number): string {
    return this.all.slice(Math.max(0, mark - this.dropped));
  }
  tail(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }
}

// ───────────────────────────── PostgreSQL ─────────────────────────────

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function asPostgres(): string[] {
  // initdb and postgres refuse to run as root: run them as the `postgres` user when we are root.
  if (process.getuid?.() !== 0) return [];
  return ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'];
}

/**
 * A PostgreSQL server of our own (never the machine's shared cluster): initdb into a temporary directory, a free port,
 * trust authentication on 127.0.0.1 only. `fsync=off`: a kill -9 of the server loses nothing the kernel already has
 * (only a machine crash would), so crash recovery is exercised exactly as with fsync on, faster.
 */
export class PrivatePostgres implements Part {
  readonly name = 'postgresql';
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly output: Output;
  private constructor(
    readonly dir: string,
    readonly port: number,
    logDir: string,
  ) {
    this.output = new Output(path.join(logDir, 'postgresql.log'));
  }

  static async create(opts: { logDir: string }): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-pg-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const [cmd, ...args] = [
      ...asPostgres(),
      path.join(PG_BIN, 'initdb'),
      '-D',
      path.join(dir, 'data'),
      '-U',
      'testigo',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ];
    execFileSync(cmd, args, { stdio: 'pipe' });
    const server = new PrivatePostgres(dir, await freePort(), opts.logDir);
    await server.start();
    return server;
  }

  /** A connection URL (database `postgres` unless named). */
  url(database = 'postgres'): string {
    return `postgres://testigo@127.0.0.1:${this.port}/${database}`;
  }

  get pid() {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }
  get running() {
    return this.pid !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const argv = [
      ...asPostgres(),
      ...(pdeathsigLauncher() ? [pdeathsigLauncher()!, '--pdeathsig', 'SIGKILL'] : []),
      path.join(PG_BIN, 'postgres'),
      '-D',
      path.join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=100',
    ];
    // setpriv --reuid … execs setpriv --pdeathsig …, which execs postgres: one pid, the postmaster, leading its group.
    this.output.note('starting');
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.output.attach(child);
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    await until(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited while starting:\n${this.output.tail()}`);
        const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
        try {
          await client.connect();
          await client.query('select 1');
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      'PostgreSQL to accept connections',
      60_000,
      100,
    );
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** kill -9 of the postmaster and every backend (its process group): the server is gone as in a machine crash. */
  async kill9(): Promise<void> {
    const pgid = this.child?.pid;
    this.output.note('kill -9');
    signalGroup(pgid, 'SIGKILL');
    await this.exited;
    if (pgid) await until(() => (groupAlive(pgid) ? undefined : true), 'the PostgreSQL processes to be gone', 10_000);
  }

  async stop(): Promise<void> {
    const pgid = this.child?.pid;
    if (this.running) {
      signalGroup(pgid, 'SIGQUIT'); // immediate shutdown
      const timer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (pgid) signalGroup(pgid, 'SIGKILL');
  }

  killNow(): void {
    signalGroup(this.child?.pid, 'SIGKILL');
  }

  /** removes the data directory (after stop) */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ───────────────────────────── Temporal dev server ─────────────────────────────

/**
 * A Temporal dev server of our own on a SQLite file (so its state survives a kill -9) and a fixed port (so workers and
 * clients reconnect to the restarted one by themselves).
 */
export class TemporalServer implements Part {
  readonly name = 'temporal';
  private server?: DevServer;
  private serverPid?: number;
  private constructor(
    readonly dbFile: string,
    readonly port: number,
    private readonly logDir: string,
  ) {}

  static async create(opts: { dir: string; logDir: string }): Promise<TemporalServer> {
    const server = new TemporalServer(path.join(opts.dir, 'temporal', 'dev.db'), await freePort(), opts.logDir);
    await server.start();
    return server;
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }
  get pid() {
    return this.serverPid !== undefined && alive(this.serverPid) ? this.serverPid : undefined;
  }
  get running() {
    return this.pid !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const file = path.join(this.logDir, 'temporal.log');
    appendFileSync(file, `--- ${new Date().toISOString()} starting\n`);
    this.server = await startDevServer({
      dbFile: this.dbFile,
      port: this.port,
      uiPort: false,
      log: (line) => appendFileSync(file, `${line}\n`),
      serverLog: (line) => appendFileSync(file, `${line}\n`),
    });
    this.serverPid = this.server.pid;
  }

  async kill9(): Promise<void> {
    const pid = this.serverPid;
    if (!pid) return;
    appendFileSync(path.join(this.logDir, 'temporal.log'), `--- ${new Date().toISOString()} kill -9\n`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
    await until(() => (alive(pid) ? undefined : true), 'the Temporal server to be gone', 10_000);
  }

  async stop(): Promise<void> {
    if (this.running) await this.server?.stop();
  }

  killNow(): void {
    if (this.serverPid && alive(this.serverPid)) process.kill(this.serverPid, 'SIGKILL');
  }
}

// ───────────────────────────── the app's node processes ─────────────────────────────

export type AppRole = 'api' | 'worker' | 'start';

/** The command behind `npm run <role>` (package.json), run without npm in between so the pid is the app's own. */
function npmScript(role: AppRole): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[role].split(/\s+/);
  if (command[0] !== 'node') throw new Error(`npm run ${role} is not a plain node command: ${scripts[role]}`);
  return [process.execPath, ...command.slice(1)];
}

export interface AppProcessOptions {
  role: AppRole;
  /** a name for logs and tables (default: the role) */
  name?: string;
  env: Record<string, string>;
  logDir: string;
  /** the API's base URL, for readiness (api, start) */
  url?: string;
  readyTimeoutMs?: number;
}

/**
 * `npm run api`, `npm run worker` or `npm start`, as its own process group under a parent-death signal. Ready when:
 * the API answers /readyz 200; the worker has logged "worker started"; npm start has printed its banner.
 */
export class AppProcess implements Part {
  readonly name: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly output: Output;
  /** how many times it was started */
  starts = 0;

  constructor(private readonly options: AppProcessOptions) {
    this.name = options.name ?? options.role;
    mkdirSync(options.logDir, { recursive: true });
    this.output = new Output(path.join(options.logDir, `${this.name}.log`));
  }

  get role() {
    return this.options.role;
  }
  get pid() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }
  get running() {
    return this.pid !== undefined;
  }
  tail(n = 30): string {
    return this.output.tail(n);
  }
  /** output printed since a mark, to wait for a line after an event */
  mark(): number {
    return this.output.mark();
  }
  printedSince(mark: number): string {
    return this.output.since(mark);
  }

  async start(): Promise<void> {
    if (this.running) return;
    const [command, ...args] = npmScript(this.options.role);
    const launcher = pdeathsigLauncher();
    const argv = launcher ? [launcher, '--pdeathsig', 'SIGKILL', '--', command, ...args] : [command, ...args];
    this.output.note(`starting (${this.options.role})`);
    const mark = this.output.mark();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', ...this.options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.output.attach(child);
    this.child = child;
    this.starts++;
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    const died = () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited while starting:\n${this.output.tail()}`);
    };
    await until(
      async () => {
        died();
        if (this.options.role === 'worker') return this.output.since(mark).includes('"msg":"worker started"') ? true : undefined;
        if (this.options.role === 'start' && !this.output.since(mark).includes('Press Ctrl-C to stop.')) return undefined;
        try {
          const response = await fetch(`${this.options.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
          await response.arrayBuffer();
          return response.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      `${this.name} to be ready`,
      this.options.readyTimeoutMs ?? 120_000,
      100,
    );
  }

  /**
   * kill -9 of the app's own process (the group leader). For npm start its dev server child is not signalled: the
   * kernel stops it (parent-death signal), which is what npm start promises; we wait until the whole group is gone.
   */
  async kill9(): Promise<void> {
    const pid = this.child?.pid;
    if (!pid) return;
    this.output.note('kill -9');
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
    await this.exited;
    await until(() => (groupAlive(pid) ? undefined : true), `every process of ${this.name} to be gone`, 30_000);
  }

  async stop(): Promise<void> {
    const pid = this.child?.pid;
    if (this.running) {
      this.output.note('stopping (SIGTERM)');
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (pid) {
      await until(() => (groupAlive(pid) ? undefined : true), `every process of ${this.name} to be gone`, 25_000).catch(() => signalGroup(pid, 'SIGKILL'));
    }
  }

  killNow(): void {
    signalGroup(this.child?.pid, 'SIGKILL');
  }
}

/** The pid of the dev server npm start runs, from the pid file beside its database. */
export function devServerPidOf(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'temporal', 'dev-server.pid');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

// ───────────────────────────── the cluster ─────────────────────────────

/** A directory for one run (data, logs) and the parts started in it; `stop()` stops them all. */
export class Cluster {
  readonly parts: Part[] = [];
  readonly logDir: string;
  private cleanups: Array<() => Promise<void> | void> = [];

  constructor(readonly dir: string) {
    this.logDir = path.join(dir, 'logs');
    mkdirSync(this.logDir, { recursive: true });
  }

  static create(prefix = 'testigo-cluster-'): Cluster {
    return new Cluster(mkdtempSync(path.join(os.tmpdir(), prefix)));
  }

  add<P extends Part>(part: P): P {
    this.parts.push(part);
    return part;
  }

  /** something else to undo at stop (a server in this process, a temporary directory) */
  onStop(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  postgres(): Promise<PrivatePostgres> {
    return PrivatePostgres.create({ logDir: this.logDir }).then((p) => {
      this.add(p);
      this.onStop(() => p.remove());
      return p;
    });
  }

  temporal(): Promise<TemporalServer> {
    return TemporalServer.create({ dir: this.dir, logDir: this.logDir }).then((t) => this.add(t));
  }

  app(options: Omit<AppProcessOptions, 'logDir'>): AppProcess {
    return this.add(new AppProcess({ ...options, logDir: this.logDir }));
  }

  /** Stops everything, apps first, then Temporal, then PostgreSQL; never throws. */
  async stop(): Promise<void> {
    const order = (p: Part) => (p instanceof AppProcess ? 0 : p instanceof TemporalServer ? 1 : 2);
    for (const part of [...this.parts].sort((a, b) => order(a) - order(b))) {
      await part.stop().catch(() => part.killNow());
    }
    for (const cleanup of this.cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    this.cleanups = [];
  }

  /** synchronous SIGKILL of every part (process exit) */
  killNow(): void {
    for (const part of this.parts) part.killNow();
  }
}

/**
 * Makes sure nothing is left running: on exit, Ctrl-C, SIGTERM and uncaught errors every part of the cluster is
 * killed. Returns a function that removes the handlers.
 */
export function cleanupOnExit(cluster: Cluster): () => void {
  const onExit = () => cluster.killNow();
  const onSignal = (signal: NodeJS.Signals) => {
    cluster.killNow();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
