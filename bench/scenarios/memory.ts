// Memory (issue 10, PRODUCT.md §6: reported, not a budget): the resident set of the stack after N completed
// verifications (created through the API, the code read from the SMS on the sandbox handset, checked right:
// approved), and its growth per N more. The stack runs in the bench's process (API, worker, PGlite, the in-memory
// sandbox), so the figure is that process's resident set — the bench's own clients and, when the other scenarios
// ran first, the bare worker with it; the Temporal dev server is a process of its own, reported beside it. Each
// reading follows a settle pause and two full garbage collections, so it is what is kept, not what is pending.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { newPhone } from '../../test/support/customer';
import { f, log, type Harness, type Scenario } from '../harness';
import { sleep, throughput } from '../stats';

export const memoryParameters = (quick: boolean) => ({ n: quick ? 10 : 1000, concurrency: 10 });

interface Reading {
  /** completed verifications so far (this scenario's) */
  completed: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** external + array buffers (PGlite's WebAssembly memory, buffers) */
  externalMiB: number;
  devServerRssMiB: number | null;
}

const MiB = 2 ** 20;

/** a full collection: global.gc under --expose-gc, else the same function fetched by turning the flag on now */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** VmRSS of another process (Linux /proc), in MiB; null where there is no /proc */
function rssOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export const memory: Scenario = {
  name: 'memory',
  summary: 'resident set of the stack after N completed verifications and its growth per N more (N=1000; reported)',
  async run(h: Harness) {
    const p = memoryParameters(h.quick);
    const { api, devServer } = await h.stack();
    const gc = collector();
    let completed = 0;
    const read = async (): Promise<Reading> => {
      await sleep(1000); // the last status callbacks and projection writes land
      gc();
      gc();
      const m = process.memoryUsage();
      return {
        completed,
        rssMiB: m.rss / MiB,
        heapUsedMiB: m.heapUsed / MiB,
        externalMiB: (m.external + m.arrayBuffers) / MiB,
        devServerRssMiB: rssOf(devServer.pid),
      };
    };
    const completeOne = async () => {
      const phone = newPhone();
      const id = await api.create(phone);
      const code = await api.codeFor(phone, 20);
      await api.check(id, code, { valid: true, status: 'approved' });
      completed++;
    };
    const t0 = performance.now();
    const start = await read();
    log(`memory: ${p.n} completed verifications (${p.concurrency} at a time), then ${p.n} more…`);
    await throughput(p.n, p.concurrency, completeOne);
    const afterN = await read();
    await throughput(p.n, p.concurrency, completeOne);
    const after2N = await read();
    const growth = {
      rssMiB: after2N.rssMiB - afterN.rssMiB,
      heapUsedMiB: after2N.heapUsedMiB - afterN.heapUsedMiB,
      externalMiB: after2N.externalMiB - afterN.externalMiB,
      devServerRssMiB: after2N.devServerRssMiB === null || afterN.devServerRssMiB === null ? null : after2N.devServerRssMiB - afterN.devServerRssMiB,
    };

    const mib = (x: number | null) => (x === null ? '–' : `${f(x)} MiB`);
    const signed = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${f(x)} MiB`);
    const row = (what: string, k: keyof typeof growth) => `| ${what} | ${mib(start[k])} | ${mib(afterN[k])} | ${mib(after2N[k])} | ${signed(growth[k])} |`;
    const section = [
      `memory (bench/scenarios/memory.ts): resident set after N completed verifications (create → SMS code → right code, approved; ${p.concurrency} at a time), ` +
        `each reading after a 1 s settle and a full GC; the stack runs in the bench's process (API, worker, PGlite, in-memory sandbox, and the bench's clients); reported, not a budget`,
      '',
      `| measured | at start | after ${p.n} | after ${2 * p.n} | growth per ${p.n} more |`,
      '| --- | ---: | ---: | ---: | ---: |',
      row('resident set, stack process', 'rssMiB'),
      row('  of which V8 heap used', 'heapUsedMiB'),
      row('  of which external + array buffers (PGlite, buffers)', 'externalMiB'),
      row('Temporal dev server resident set (own process)', 'devServerRssMiB'),
      `(memory phase: ${f((performance.now() - t0) / 1000)} s)`,
    ].join('\n');
    return {
      section,
      json: { memory: { n: p.n, concurrency: p.concurrency, start, afterN, after2N, growthPerN: growth } },
    };
  },
};
