// The evidence certificate of a 100-event process (bench/certificate.ts; alone: npm run bench:certificate). No stack.
import { benchCertificate, formatCertificateTable } from '../certificate';
import { log, type Harness, type Scenario } from '../harness';

export const certificate: Scenario = {
  name: 'certificate',
  summary: 'evidence + JWS + certificate + seal for a 100-event process vs pdfmake alone and one ES256 signature',
  async run(h: Harness) {
    const r = await benchCertificate(h.quick ? { runs: 1, warmup: 1, log } : { log });
    return {
      section: ['evidence certificate of a 100-event process (bench/certificate.ts):', formatCertificateTable(r)].join('\n'),
      json: {
        certificate: r,
        budgets: [{ name: r.budget.name, limitMs: r.budget.limitMs, valueMs: r.budget.p50Ms, met: r.budget.met }],
      },
    };
  },
};
