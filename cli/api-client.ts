// The API as the command line calls it: TESTIGO_URL (default http://localhost:3000, the API's default PORT) and
// TESTIGO_API_KEY as the bearer key. This is a client program, so it reads its own two variables here; the server's
// configuration (platform/config.ts) is not involved. Problems (application/problem+json) become a CliError with
// their title, detail and field errors, exit status 1.
import { CliError, EXIT, UsageError } from './args';

export const DEFAULT_URL = 'http://localhost:3000';

export interface ApiConfig {
  baseUrl: string;
  apiKey?: string;
  /** where the key came from, named when the API refuses it (default TESTIGO_API_KEY) */
  keySource?: string;
}

/** TESTIGO_URL without its trailing slash; a usage error when it is not an http(s) URL. */
export function baseUrl(env: NodeJS.ProcessEnv = process.env, given?: string): string {
  const source = given?.trim() ? '--url' : 'TESTIGO_URL';
  const raw = given?.trim() || env.TESTIGO_URL?.trim() || DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${source} "${raw}" is not a URL (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${source} "${raw}" must be http:// or https://`);
  return raw.replace(/\/+$/, '');
}

/** The configuration of a command that needs the API key: a usage error, before any request, when it is missing. */
export function apiConfig(command: string, env: NodeJS.ProcessEnv = process.env): Required<Omit<ApiConfig, 'keySource'>> {
  const apiKey = env.TESTIGO_API_KEY?.trim();
  if (!apiKey) {
    throw new UsageError(
      `TESTIGO_API_KEY is not set: \`testigo ${command}\` calls the API with your API key (npm start prints the development one). ` +
        `Set it, e.g. export TESTIGO_API_KEY=tsk_…`,
      command,
    );
  }
  return { baseUrl: baseUrl(env), apiKey };
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path?: string; in?: string; message?: string }>;
}

/** One request; a CliError (exit 1) when the API is unreachable or answers anything but 2xx. */
export async function request(config: ApiConfig, method: string, route: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl}${route}`, { method, headers, body: init.body, signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new CliError(`cannot reach the API at ${config.baseUrl} (${why}); is it running? (TESTIGO_URL sets where)`, EXIT.failed);
  }
  if (!response.ok) throw await problemError(response, config);
  return response;
}

async function problemError(response: Response, config: ApiConfig): Promise<CliError> {
  const text = await response.text();
  let problem: Problem | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') problem = parsed as Problem;
  } catch {
    /* not JSON */
  }
  // with field errors, the fields (one a line) say it all: the detail only lists them again
  const detail = problem?.detail && !problem.errors?.length ? `: ${problem.detail}` : '';
  const lines = [`${response.status} ${problem?.title ?? response.statusText}${detail}`];
  if (!problem) lines[0] += text ? ` — ${text.slice(0, 300)}` : '';
  for (const field of problem?.errors ?? []) lines.push(`  ${field.path ?? '?'}${field.in ? ` (${field.in})` : ''}: ${field.message ?? ''}`);
  if (response.status === 401 || response.status === 403)
    lines.push(`  check ${config.keySource ?? 'TESTIGO_API_KEY'} (it is sent as the bearer key to ${config.baseUrl})`);
  return new CliError(lines.join('\n'), EXIT.failed);
}

export async function getJson<T>(config: ApiConfig, route: string): Promise<T> {
  const response = await request(config, 'GET', route, { headers: { accept: 'application/json' } });
  return (await response.json()) as T;
}
