// Runs `testigo` as a real child process (node + the package.json "bin" shim) with only the environment given: no
// TESTIGO_* variable leaks in from the test run's own environment.
import { spawn } from 'node:child_process';
import path from 'node:path';

const SHIM = path.resolve('cli/testigo.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTestigo(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; nodeOptions?: string[] } = {}): Promise<CliRun> {
  const base = { ...process.env };
  for (const name of ['TESTIGO_URL', 'TESTIGO_API_KEY', 'TESTIGO_ADMIN_KEY']) delete base[name];
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), SHIM, ...args], { cwd: options.cwd, env: { ...base, NO_COLOR: '1', ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
