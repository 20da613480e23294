// `npm start` as a newcomer runs it: one command brings up the dev server (with its UI and search
// attributes), the database, the worker, the API and the sandbox; Ctrl-C stops every child; a
// second start finds the same workflows and rows.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../../platform/dev-server';
import { eventually } from '../support/stack';

interface Started {
  child: ChildProcess;
  output: () => string;
  /** exit code, or the signal that ended npm itself */
  exited: Promise<number | string | null>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

async function npmStart(env: Record<string, string>): Promise<Started> {
  // Exactly the newcomer's command. detached: its own process group, so the test can deliver Ctrl-C
  // to the whole group as a terminal does.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  await eventually(
    // the banner's last line: everything it prints (URLs, key) is in `out` by then
    async () => (out.includes('Press Ctrl-C to stop.') ? true : child.exitCode !== null ? Promise.reject(new Error(out)) : undefined),
    'npm start to be ready',
    120_000,
  );
  return { child, output: () => out, exited };
}

/** Ctrl-C to the whole group; resolves once npm is gone. Our own process must have stopped cleanly. */
async function ctrlC(started: Started): Promise<void> {
  process.kill(-started.child.pid!, 'SIGINT');
  const exit = await started.exited;
  // npm re-raises the SIGINT it received once its child has exited; the app itself exits 0.
  assert.ok(exit === 0 || exit === 'SIGINT', `npm ended with ${exit}:\n${started.output()}`);
  await eventually(async () => (started.output().includes('Stopped.') ? true : undefined), 'the app to report a clean stop', 20_000);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The pid of our app (`node … app/start.ts`) among npm's descendants. */
function appPid(npm: ChildProcess): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const family = new Set([npm.pid!]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) {
      if (family.has(p.ppid) && !family.has(p.pid)) {
        family.add(p.pid);
        grew = true;
      }
    }
  }
  const app = table.find((p) => family.has(p.pid) && /app\/start\.ts/.test(p.args) && /^node\b|\/node\b/.test(p.args));
  assert.ok(app, "the app process among npm start's descendants");
  return app.pid;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The dev server npm start runs, by the pid file beside its database. */
const devServerPid = (dataDir: string) => (JSON.parse(readFileSync(path.join(dataDir, 'temporal', 'dev-server.pid'), 'utf8')) as { pid: number }).pid;

/** GET (or POST with a JSON body) against the started app, with its API key. */
const apiClient =
  (port: number, apiKey: string) =>
  (route: string, body?: unknown): Promise<{ status: number; body: any }> =>
    fetch(`http://127.0.0.1:${port}${route}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('npm start', function () {
  this.timeout(240_000);
  let env: Record<string, string>;
  let ports: { api: number; temporal: number; ui: number };

  before(async () => {
    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    env = {
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'testigo-start-')),
      PORT: String(ports.api),
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.api}`,
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      API_KEY: '',
    };
  });

  it('brings up everything, stops on Ctrl-C, and finds the same data on the next start', async () => {
    const first = await npmStart(env);
    const printed = first.output();
    const apiKey = /API key\s+(tsk_\S+)/.exec(printed)?.[1];
    assert.ok(apiKey, `the development API key is printed:\n${printed}`);
    for (const url of [`/docs`, `/sandbox`]) assert.ok(printed.includes(`http://127.0.0.1:${ports.api}${url}`), `prints ${url}`);
    assert.ok(printed.includes(`http://localhost:${ports.ui}`), 'prints the Temporal UI URL');

    // Temporal UI and the app's search attributes
    assert.equal((await fetch(`http://localhost:${ports.ui}/`)).status, 200);
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    await connection.close();
    for (const name of ['TestigoTenant', 'TestigoStatus', 'TestigoPhone', 'TestigoChannel'])
      assert.ok(name in attributes.customAttributes, `${name} is registered`);

    // a verification, approved
    const api = apiClient(ports.api, apiKey);
    assert.equal((await api('/readyz')).status, 200);
    const created = await api('/v1/verifications', { to: '+34600999888', channel: 'sms' });
    assert.equal(created.status, 201);
    const sms = await eventually(async () => (await api('/sandbox/api/phones/+34600999888/sms')).body[0], 'the SMS');
    const code = /\b(\d{6})\b/.exec(sms.body)![1];
    assert.equal((await api(`/v1/verifications/${created.body.id}/checks`, { code })).body.status, 'approved');

    // Ctrl-C stops every child: the API, the worker and the dev server (and its UI)
    await ctrlC(first);
    for (const port of [ports.api, ports.temporal, ports.ui]) assert.equal(await portOpen(port), false, `port ${port} is closed`);

    // second start: same key, same rows, same workflow history
    const second = await npmStart(env);
    try {
      assert.equal(/API key\s+(tsk_\S+)/.exec(second.output())?.[1], apiKey);
      const again = await api(`/v1/verifications/${created.body.id}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.status, 'approved');
      assert.equal((await api('/sandbox/api/phones/+34600999888/sms')).body.length, 1, 'the sandbox handset kept its SMS');
      // The same workflow, in the persisted dev server: it finishes (its last activities were cut by Ctrl-C).
      const connection2 = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
      try {
        await eventually(
          async () => {
            const described = await connection2.workflowService.describeWorkflowExecution({
              namespace: 'default',
              execution: { workflowId: `verification-${created.body.id}` },
            });
            return described.workflowExecutionInfo?.status === 2 /* COMPLETED */ ? true : undefined;
          },
          'the workflow to complete after the restart',
          60_000,
        );
      } finally {
        await connection2.close();
      }
    } finally {
      await ctrlC(second);
    }
  });
  it('after kill -9 of the app, no dev server is left behind and the next start brings back the same data', async () => {
    const first = await npmStart(env);
    const apiKey = /API key\s+(tsk_\S+)/.exec(first.output())![1];
    const api = apiClient(ports.api, apiKey);
    const created = await api('/v1/verifications', { to: '+34600999777', channel: 'sms' });
    assert.equal(created.status, 201);

    const server = devServerPid(env.DATA_DIR);
    process.kill(appPid(first.child), 'SIGKILL');
    await first.exited;
    await eventually(async () => (alive(server) ? undefined : true), 'the orphaned dev server to be stopped by the kernel (pdeathsig)', 20_000);
    assert.equal(await portOpen(ports.temporal), false, 'nothing holds the Temporal port');

    const second = await npmStart(env);
    try {
      const again = await api(`/v1/verifications/${created.body.id}`);
      assert.equal(again.status, 200, 'the verification created before the crash is there');
      assert.equal(again.body.status, 'pending');
      const sms = await eventually(async () => (await api('/sandbox/api/phones/+34600999777/sms')).body[0], 'the SMS');
      const code = /\b(\d{6})\b/.exec(sms.body)![1];
      assert.equal((await api(`/v1/verifications/${created.body.id}/checks`, { code })).body.status, 'approved', 'its workflow carries on');

      // The dev server killed under the running app: started again on the same port and data, and the app works on.
      const before = devServerPid(env.DATA_DIR);
      process.kill(before, 'SIGKILL');
      await eventually(async () => (second.output().includes('The Temporal dev server is back') ? true : undefined), 'the dev server restarted', 60_000);
      assert.notEqual(devServerPid(env.DATA_DIR), before);
      assert.equal((await api(`/v1/verifications/${created.body.id}`)).body.status, 'approved');
      const next = await api('/v1/verifications', { to: '+34600999776', channel: 'sms' });
      assert.equal(next.status, 201, JSON.stringify(next.body));
    } finally {
      await ctrlC(second);
    }
    assert.equal(existsSync(path.join(env.DATA_DIR, 'temporal', 'dev-server.pid')), false, 'a clean stop removes the pid file');
  });

  it('stops a dev server a crashed start left on the same database, and refuses a port held by something else', async () => {
    const { startDevServer } = await import('../../platform/dev-server');
    const dbFile = path.join(env.DATA_DIR, 'orphan', 'dev.db');
    const port = await freePort();
    // A survivor: started the way an older version did, without a parent-death signal, then "forgotten".
    const orphan = await startDevServer({ dbFile, port, uiPort: false, log: () => {} });
    const orphanPid = orphan.pid;
    const lines: string[] = [];
    const fresh = await startDevServer({ dbFile, port, uiPort: false, log: (line) => lines.push(line) });
    try {
      assert.equal(alive(orphanPid), false, 'the survivor was stopped');
      assert.ok(
        lines.some((l) => l.includes(`(pid ${orphanPid})`)),
        lines.join('\n'),
      );
      assert.notEqual(fresh.pid, orphanPid);
      // Someone else's server on a fixed port: a clear refusal, not a mix-up.
      await assert.rejects(startDevServer({ port, uiPort: false, log: () => {} }), /already in use by another process/);
    } finally {
      await fresh.stop();
    }
  });
});
