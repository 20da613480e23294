// Temporal codec server (POST {endpoint}/encode|decode with proto3-JSON payloads), so operators can
// read encrypted payloads in the Temporal UI and CLI. Protected by CODEC_TOKEN as a bearer token;
// when no token is configured only loopback callers are served (a browser on the same machine).
import cors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { payloadFromJson, payloadToJson, type JsonPayload } from '../../platform/codec';
import { HttpProblem } from '../problem';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  token?: string;
  /** origins allowed to call from a browser (the Temporal UI) */
  uiOrigins: string[];
}

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function authorised(request: FastifyRequest, token?: string): boolean {
  if (!token) return isLoopback(request.socket.remoteAddress ?? '');
  const given = Buffer.from((/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '') ?? [])[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

const body = {
  type: 'object',
  required: ['payloads'],
  properties: {
    payloads: {
      type: 'array',
      items: { type: 'object', properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, data: { type: 'string' } } },
    },
  },
} as const;

export async function codecRoutes(app: FastifyInstance, { codec, token, uiOrigins }: CodecRouteOptions) {
  await app.register(cors, {
    origin: uiOrigins,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'X-Namespace', 'Authorization', 'Authorization-Extras'],
    credentials: true,
    // A preflight without Origin is no browser's: answered without CORS headers (204) instead of a text/plain 400.
    strictPreflight: false,
  });
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    if (!authorised(request, token))
      throw new HttpProblem(
        401,
        'unauthorized',
        'Unauthorized',
        token ? 'Send CODEC_TOKEN as a bearer token.' : 'Without CODEC_TOKEN the codec server only answers loopback callers.',
      );
  });
  const schema = { tags: ['operations'], body };
  for (const direction of ['encode', 'decode'] as const) {
    app.post<{ Body: { payloads: JsonPayload[] } }>(
      `/${direction}`,
      { schema: { ...schema, summary: `Temporal codec server: ${direction} payloads` } },
      async (request) => {
        const payloads = request.body.payloads.map(payloadFromJson);
        const result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
        return { payloads: result.map(payloadToJson) };
      },
    );
  }
}
