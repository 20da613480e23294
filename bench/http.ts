// The benchmark's HTTP client: node:http over loopback with one keep-alive agent, so every measured
// request reuses a warm TCP connection (no handshake in the figures) and the client adds as little
// as it can. Bodies are JSON both ways.
import http from 'node:http';

export interface JsonResponse {
  status: number;
  body: any;
}

export class BenchHttp {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
  ) {
    this.base = new URL(baseUrl);
  }

  request(method: string, path: string, body?: unknown, auth = true): Promise<JsonResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = {};
    if (auth) headers.authorization = `Bearer ${this.apiKey}`;
    if (payload) headers['content-type'] = 'application/json';
    return this.send(method, path, payload, headers);
  }

  /** Sends these exact bytes (e.g. a signed webhook) with these headers, no API key; the answer is parsed as JSON when it is. */
  raw(method: string, path: string, payload: Buffer, headers: Record<string, string>): Promise<JsonResponse> {
    return this.send(method, path, payload, { ...headers });
  }

  private send(method: string, path: string, payload: Buffer | undefined, headers: Record<string, string | number>): Promise<JsonResponse> {
    if (payload) headers['content-length'] = payload.length;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.base.hostname, port: this.base.port, path, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
