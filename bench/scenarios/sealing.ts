// Sealing time per document, 1 and 50 pages (bench/sealing.ts). No stack.
import { log, type Harness, type Scenario } from '../harness';
import { benchSealing, formatSealingTable } from '../sealing';

export const sealing: Scenario = {
  name: 'sealing',
  summary: 'PAdES sealing of a 1- and a 50-page PDF vs pdf-lib load+save and one ECDSA signature',
  async run(h: Harness) {
    log('sealing: 1 and 50 pages…');
    const rows = await benchSealing(h.quick ? { runs: 3 } : {});
    return { section: ['sealing time per document (bench/sealing.ts):', formatSealingTable(rows)].join('\n'), json: { sealingMs: rows } };
  },
};
