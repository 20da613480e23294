// What every answer to hostile input must be: 2xx or 4xx (never 5xx), a 4xx as problem+json whose status
// matches, and a 400 for a broken field naming that field.
import assert from 'node:assert/strict';
import type { RawResponse } from './http';
import type { HostileRequest } from './requests';
import { related } from './schema-arbitraries';

export function describeRequest(req: HostileRequest): string {
  const body = req.body ? `${req.body.length} bytes (${req.bodyKind}): ${req.body.subarray(0, 300).toString('utf8')}` : 'no body';
  return `${req.method} ${req.path.slice(0, 300)} headers=${JSON.stringify(req.headers).slice(0, 500)} body=${body}`;
}

export function judge(req: HostileRequest, res: RawResponse): void {
  const what = () => `${describeRequest(req)}\n→ ${res.status} ${res.text.slice(0, 600)}`;
  // The API docs' pages redirect between themselves (swagger-ui): a GET answered with a Location is not an error.
  const redirect = res.status >= 300 && res.status < 400 && ['GET', 'HEAD'].includes(req.method) && Boolean(res.headers.location);
  assert.ok((res.status >= 200 && res.status < 300) || redirect || (res.status >= 400 && res.status < 500), `not 2xx/4xx: ${what()}`);
  if (res.status < 400) return;
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `a ${res.status} that is not problem+json: ${what()}`);
  if (req.method === 'HEAD') return; // headers only
  const problem = res.json;
  assert.ok(problem && typeof problem === 'object', `a ${res.status} without a problem body: ${what()}`);
  assert.equal(problem.status, res.status, `problem.status differs from the HTTP status: ${what()}`);
  assert.equal(typeof problem.type, 'string', `problem without a type: ${what()}`);
  assert.equal(typeof problem.title, 'string', `problem without a title: ${what()}`);
  if (res.status !== 400) return;
  const errors: Array<{ path: unknown; in: unknown; message: unknown }> = problem.errors ?? [];
  for (const e of errors)
    assert.ok(typeof e.path === 'string' && typeof e.in === 'string' && typeof e.message === 'string', `malformed field error: ${what()}`);
  if (!req.shaped || req.broken.length === 0) return;
  // Fastify's JSON parser (secure-json-parse) refuses a polluting key before validation, as invalid JSON.
  if (req.polluted && /prototype|constructor|not valid JSON/i.test(String(problem.detail))) return;
  // the whole body replaced (e.g. by null): the detail is the answer
  if (req.broken.includes('') && typeof problem.detail === 'string') return;
  // a path broken beyond parsing (a stray `%`) is refused before routing, as the URL: its detail quotes it
  if (problem.type === 'urn:testigo:problem:bad-url' && typeof problem.detail === 'string') return;
  assert.ok(errors.length > 0, `a 400 for a broken field that names no field: ${what()}`);
  // A broken field may still be accepted (Ajv coerces -1 to "-1" for a string) while another generated field fails a
  // rule checked after the schema (a duration's bounds, a phone's numbering plan): the 400 then names that field. So a
  // validation error naming body fields is accepted even when it does not name the broken one (weaker, but the
  // alternative is a generator that knows every rule).
  const named = errors.some((e) => req.broken.some((b) => related(String(e.path), b)));
  const semantic = problem.type === 'urn:testigo:problem:validation-error' && errors.every((e) => e.in === 'body');
  assert.ok(named || semantic, `the 400 names ${errors.map((e) => e.path).join(', ')} but the request broke ${req.broken.join(', ')}: ${what()}`);
}
