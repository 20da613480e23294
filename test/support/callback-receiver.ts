// A business endpoint on loopback that records the callbacks it gets (and can refuse the first ones).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

export async function callbackReceiver(failFirst = 0) {
  const received: ReceivedCallback[] = [];
  let refused = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      if (refused < failFirst) {
        refused++;
        res.writeHead(503).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/testigo`, received, close: () => new Promise((r) => server.close(r)) };
}
