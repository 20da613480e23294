// The independent validators every sealed PDF goes through: pdfsig (poppler-utils) and pyHanko (PyPI), both
// installed by scripts/pdf-validators.sh. A missing validator fails the test that needs it, never skips it.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function pyhankoBinary(): string {
  const bin = process.env.PYHANKO || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'testigo', 'pyhanko-venv', 'bin', 'pyhanko');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`pyHanko not found at ${bin}: run \`bash scripts/pdf-validators.sh\` (or set PYHANKO to its binary)`);
  }
  return bin;
}

export interface ValidationReport {
  /** exit code of the validator */
  code: number;
  output: string;
}

async function capture(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ValidationReport> {
  try {
    const { stdout, stderr } = await run(file, args, { env: env ?? process.env, maxBuffer: 16 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${file} not found: run \`bash scripts/pdf-validators.sh\` (pdfsig comes from Debian's poppler-utils)`);
    return { code: typeof e.code === 'number' ? e.code : -1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

/**
 * `pyhanko sign validate` with only the given trust anchors (no OS trust store). Returns the machine-readable
 * status lines (e.g. "Seal1:…:INTACT:TRUSTED,…") and the --pretty-print report.
 */
export async function pyhankoValidate(pdfPath: string, trustPems: string[]): Promise<{ status: ValidationReport; pretty: ValidationReport }> {
  const bin = pyhankoBinary();
  const trust = trustPems.flatMap((p) => ['--trust', p]);
  const args = ['sign', 'validate', '--trust-replace', '--no-revocation-check', ...trust];
  const [status, pretty] = await Promise.all([capture(bin, [...args, pdfPath]), capture(bin, [...args, '--pretty-print', pdfPath])]);
  return { status, pretty };
}

/**
 * pdfsig with an NSS database that trusts only the given CAs (when certutil, from libnss3-tools, is installed),
 * so it can check the certificate chain as well as the signature.
 */
export async function pdfsig(pdfPath: string, trustPems: string[] = []): Promise<ValidationReport & { trustChecked: boolean }> {
  const nss = mkdtempSync(path.join(os.tmpdir(), 'testigo-nss-'));
  try {
    let trustChecked = false;
    if (
      trustPems.length > 0 &&
      (await capture('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']).catch(() => ({ code: -1, output: '' }))).code === 0
    ) {
      for (const [i, pem] of trustPems.entries()) {
        const added = await capture('certutil', ['-A', '-d', `sql:${nss}`, '-n', `ca${i}`, '-t', 'CT,C,C', '-i', pem]);
        if (added.code !== 0) throw new Error(`certutil could not import ${pem}: ${added.output}`);
      }
      trustChecked = true;
    }
    const report = await capture('pdfsig', ['-nssdir', `sql:${nss}`, pdfPath]);
    return { ...report, trustChecked };
  } finally {
    rmSync(nss, { recursive: true, force: true });
  }
}
