// Raw HTTP over loopback with node:http, not fetch: a hostile path or header must reach the server byte for
// byte (fetch normalises URLs and refuses some headers), and a streaming response is cut after its headers.
import http from 'node:http';

export interface RawRequest {
  method: string;
  /** the request target exactly as sent (already percent-encoded where needed) */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** the body as JSON, when it is */
  json?: any;
}

export function send(base: string, req: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const client = http.request({ host: hostname, port, method: req.method, path: req.path, headers, agent: false, timeout: timeoutMs }, (res) => {
      // Server-sent events never end: their headers are the answer.
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode!, headers: res.headers, text: '' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    client.on('timeout', () => client.destroy(new Error(`no answer within ${timeoutMs} ms: ${req.method} ${req.path.slice(0, 200)}`)));
    client.on('error', reject);
    client.end(req.body);
  });
}

/** Percent-encodes every byte outside RFC 3986's unreserved set (lone surrogates become U+FFFD, as UTF-8 does). */
export function encodeSegment(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Node refuses header values outside latin-1 visible characters; hostile ones are folded into that range. */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}
