// What keeps a crash of `npm start` from breaking the next one. The Temporal dev server is our child; when our
// process is killed outright (kill -9, OOM) it would live on, orphaned, holding its port and its SQLite file.
//  - On Linux it is started under `setpriv --pdeathsig SIGTERM`: the kernel sends it SIGTERM when we die, however.
//  - A pid file beside its database names it: a later start with the same database finds a survivor (no setpriv,
//    or our whole group killed at once) and stops it before starting its own.
//  - A port held by anything else is refused with a clear message, instead of mistaking that server for ours.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface DevServerRecord {
  pid: number;
  port: number;
  uiPort?: number;
  dbFile: string;
}

let setprivPath: string | null | undefined;

/** `setpriv` from util-linux when it can set a parent-death signal (Linux); null elsewhere. */
export function pdeathsigLauncher(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    if (!existsSync(candidate)) continue;
    try {
      if (execFileSync(candidate, ['--help'], { encoding: 'utf8' }).includes('--pdeathsig')) setprivPath = candidate;
    } catch {
      // an old util-linux without the option: fall back to the pid file alone
    }
    break;
  }
  return setprivPath;
}

export const pidFileOf = (dbFile: string) => path.join(path.dirname(dbFile), 'dev-server.pid');

export function writeRecord(record: DevServerRecord): void {
  writeFileSync(pidFileOf(record.dbFile), JSON.stringify(record));
}

export function removeRecord(dbFile: string, pid: number): void {
  // only ours: a newer server may have written its own meanwhile
  if (readRecord(dbFile)?.pid === pid) rmSync(pidFileOf(dbFile), { force: true });
}

function readRecord(dbFile: string): DevServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(pidFileOf(dbFile), 'utf8')) as DevServerRecord;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** True when `pid` is a dev server on this database (its command line names the file), not a recycled pid. */
function servesDatabase(pid: number, dbFile: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('start-dev') && cmdline.includes(dbFile);
  } catch {
    return false; // no /proc (not Linux) or gone: never kill what we cannot identify
  }
}

/**
 * Stops a dev server an earlier, crashed start left on this database. Returns its pid when there was one.
 * SIGTERM first (it flushes SQLite), SIGKILL after `graceMs`.
 */
export async function stopOrphan(dbFile: string, log: (line: string) => void, graceMs = 10_000): Promise<number | undefined> {
  const record = readRecord(dbFile);
  if (!record || !alive(record.pid) || !servesDatabase(record.pid, dbFile)) {
    rmSync(pidFileOf(dbFile), { force: true });
    return undefined;
  }
  log(`A Temporal dev server (pid ${record.pid}) left by an earlier start still runs on ${dbFile}: stopping it.`);
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(record.pid)) process.kill(record.pid, 'SIGKILL');
  while (alive(record.pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(pidFileOf(dbFile), { force: true });
  return record.pid;
}

/** Whether something already listens on host:port. */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}
