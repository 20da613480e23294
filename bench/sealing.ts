// Sealing time per document (issue 7 §7): sealPdf (PAdES B-B) on 1-page and 50-page PDFs, p50/p95 over N runs,
// beside baselines measured in the same run: a bare ECDSA P-256 signature with the same key, and pdf-lib's
// load + save of the same document (what any PDF rewrite costs). Run alone: node --import tsx bench/sealing.ts
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { loadSealIdentity, sealPdf } from '../sealing';
import { percentile } from './stats';

export interface SealingBenchRow {
  document: string;
  bytes: number;
  sealP50: number;
  sealP95: number;
  pdfLibP50: number;
  ecdsaP50: number;
}

async function samplePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage();
    for (let line = 0; line < 40; line++)
      page.drawText(`Cláusula ${i}.${line}: el cliente acepta las condiciones del contrato.`, { x: 40, y: 780 - line * 18, size: 10, font });
  }
  return doc.save();
}

async function time(runs: number, fn: () => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

export async function benchSealing({ runs = Number(process.env.BENCH_SEAL_RUNS ?? 30) } = {}): Promise<SealingBenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-bench-seal-'));
  try {
    const identity = await loadSealIdentity({ dataDir: dir });
    const rows: SealingBenchRow[] = [];
    for (const pages of [1, 50]) {
      const pdf = await samplePdf(pages);
      const seal = () => sealPdf(pdf, { identity, reason: 'bench', location: 'Testigo' });
      await time(3, seal); // warm-up: JIT and module initialisation are not what we measure
      const sealing = await time(runs, seal);
      const pdfLib = await time(runs, async () => (await PDFDocument.load(pdf)).save());
      const ecdsa = await time(runs, () => sign('sha256', pdf, { key: identity.privateKey, dsaEncoding: 'der' }));
      rows.push({
        document: `${pages} page${pages > 1 ? 's' : ''}`,
        bytes: pdf.length,
        sealP50: percentile(sealing, 50),
        sealP95: percentile(sealing, 95),
        pdfLibP50: percentile(pdfLib, 50),
        ecdsaP50: percentile(ecdsa, 50),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSealingTable(rows: SealingBenchRow[]): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const lines = [
    '| document | size | seal p50 | seal p95 | pdf-lib load+save p50 | seal / pdf-lib | ECDSA sign p50 | seal / ECDSA |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.document} | ${(r.bytes / 1024).toFixed(0)} KiB | ${ms(r.sealP50)} | ${ms(r.sealP95)} | ${ms(r.pdfLibP50)} | ${(r.sealP50 / r.pdfLibP50).toFixed(1)}× | ${r.ecdsaP50.toFixed(2)} ms | ${(r.sealP50 / r.ecdsaP50).toFixed(0)}× |`,
    ),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchSealing();
  console.log(formatSealingTable(rows));
}
