// One hostile request for a route: its path ids, query, headers and body each generated — schema-shaped
// with one field broken, arbitrary JSON, raw bytes, multipart files, deep nesting — and a record of what was
// broken on purpose, so a 400 can be held to naming it.
import fc from 'fast-check';
import type { CapturedRoute } from './routes';
import { encodeSegment, headerSafe, type RawRequest } from './http';
import { brokenValue, hostileString, POLLUTION_KEYS, SAMPLE_PDF, validValue } from './schema-arbitraries';

export interface HostileRequest extends RawRequest {
  /** pointers a 400 should name: body fields (`/customer/phone`), params (`/id`), query keys, headers */
  broken: string[];
  /** the body is JSON shaped by the route's schema: a 400 must name a field */
  shaped: boolean;
  /** a prototype-polluting key was added: the JSON parser refuses it before validation, naming it in the detail */
  polluted: boolean;
  /** how the body was made, for failure reports */
  bodyKind: string;
}

export interface Context {
  apiKey: string;
  /** ids of rows that exist (a real verification, process and document), so routes are also reached past "not found" */
  realIds: string[];
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json;;;',
  'application/problem+json',
  'application/vnd.api+json',
  'text/plain',
  'text/plain; charset=latin1',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/pdf',
  'application/octet-stream',
  'image/png',
  '*/*',
  ';',
  'garbage',
];

/** A path segment: a real id, a well-formed unknown id, or hostile text (encoded, or raw broken percent-encodings). */
function segment(pattern: string | undefined, ctx: Context): fc.Arbitrary<{ raw: string; valid: boolean }> {
  const matches = (s: string) => (pattern ? new RegExp(pattern).test(s) : true);
  const encoded = (s: string) => ({ raw: encodeSegment(s), valid: matches(s) });
  return fc.oneof(
    fc.constantFrom(...ctx.realIds).map(encoded),
    ...(pattern ? [fc.stringMatching(new RegExp(pattern)).map(encoded)] : []),
    hostileString.map(encoded),
    fc.constantFrom('%', '%zz', '%C0%AF', '%FF%FE', '%00', '..', '.', '%2e%2e', 'a%2Fb', 'x'.repeat(9000)).map((raw) => ({ raw, valid: false })),
  );
}

function queryString(schema: Record<string, any> | undefined): fc.Arbitrary<{ qs: string; broken: string[] }> {
  const serialise = (value: unknown): string => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return `q=${encodeSegment(JSON.stringify(value) ?? '')}`;
    return Object.entries(value)
      .flatMap(([k, v]) => [v].flat().map((x) => `${encodeSegment(k)}=${encodeSegment(typeof x === 'string' ? x : (JSON.stringify(x) ?? ''))}`))
      .join('&');
  };
  const random = fc
    .array(fc.tuple(hostileString, hostileString), { maxLength: 4 })
    .map((pairs) => ({ qs: pairs.map(([k, v]) => `${encodeSegment(k.slice(0, 2000))}=${encodeSegment(v.slice(0, 2000))}`).join('&'), broken: [] as string[] }));
  const raw = fc.constantFrom('%', 'a=%zz', '&&&', '=', 'a[b]=1&a[c]=2', '__proto__[x]=1', 'constructor=1').map((qs) => ({ qs, broken: [] as string[] }));
  if (!schema) return fc.oneof(fc.constant({ qs: '', broken: [] as string[] }), random, raw);
  // against a schema, every key of a random query is a field the 400 may name; a raw one may be named anywhere
  const named = (q: { qs: string }) => ({ qs: q.qs, broken: q.qs ? [''] : [] });
  return fc.oneof(
    validValue(schema).map((v) => ({ qs: serialise(v), broken: [] as string[] })),
    brokenValue(schema).map(({ value, pointer }) => ({ qs: serialise(value), broken: [pointer] })),
    random.map(named),
    raw.map(named),
  );
}

function multipart(shapedProcess: fc.Arbitrary<unknown>): fc.Arbitrary<{ body: Buffer; contentType: string }> {
  const part = fc.record({
    name: fc.oneof(
      fc.constantFrom('documents', 'file', 'process'),
      hostileString.map((s) => s.slice(0, 100)),
    ),
    filename: fc.option(
      hostileString.map((s) => s.slice(0, 300)),
      { nil: undefined },
    ),
    type: fc.constantFrom('application/pdf', 'application/json', 'text/plain', 'application/octet-stream'),
    data: fc.oneof(
      fc.constant(SAMPLE_PDF),
      fc.nat({ max: SAMPLE_PDF.length }).map((n) => SAMPLE_PDF.subarray(0, n)),
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      shapedProcess.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      hostileString.map((s) => Buffer.from(s)),
    ),
  });
  return fc
    .record({ parts: fc.array(part, { maxLength: 4 }), boundary: fc.stringMatching(/^[A-Za-z0-9]{1,40}$/), unterminated: fc.boolean(), announce: fc.boolean() })
    .map(({ parts, boundary, unterminated, announce }) => {
      const quote = (s: string) => s.replace(/[\r\n"]/g, '_');
      const chunks: Buffer[] = [];
      for (const p of parts) {
        const disposition = `form-data; name="${quote(p.name)}"${p.filename === undefined ? '' : `; filename="${quote(p.filename)}"`}`;
        chunks.push(
          Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.type}\r\n\r\n`),
          Buffer.from(p.data),
          Buffer.from('\r\n'),
        );
      }
      if (!unterminated) chunks.push(Buffer.from(`--${boundary}--\r\n`));
      // sometimes the header names a different boundary than the body uses
      return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${announce ? boundary : 'other'}` };
    });
}

/** Nesting that recursive code (validators, canonicalisers, loggers) would overflow on. */
const deepJson = fc.record({ depth: fc.constantFrom(1_000, 100_000), shape: fc.constantFrom('array', 'object', 'field') }).map(({ depth, shape }) => {
  if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  const open = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  // 'field': the deep value sits where a schema-shaped body allows anything
  return shape === 'object' ? open : `{"evidence":${open},"jws":"x"}`;
});

interface Body {
  body?: Buffer;
  contentType?: string;
  broken: string[];
  shaped: boolean;
  polluted: boolean;
  kind: string;
}

function bodies(route: CapturedRoute): fc.Arbitrary<Body> {
  const bodySchema = (route.schema?.body as any)?.content?.['application/json']?.schema ?? route.schema?.body;
  const plain = (kind: string, contentType?: string) => (b: Buffer) => ({ body: b, contentType, broken: [], shaped: false, polluted: false, kind });
  const options: Array<fc.WeightedArbitrary<Body>> = [
    { weight: 1, arbitrary: fc.constant({ broken: [], shaped: false, polluted: false, kind: 'none' }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(...CONTENT_TYPES.slice(0, 6)))
        .map(([v, ct]) => plain('arbitrary JSON', ct)(Buffer.from(JSON.stringify(v) ?? 'null'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.jsonValue({ maxDepth: 2 }), fc.nat())
        .map(([v, n]) => {
          const text = JSON.stringify(v) ?? 'null';
          return text.slice(0, n % Math.max(text.length, 1));
        })
        .map((t) => plain('malformed JSON', 'application/json')(Buffer.from(t))),
    },
    { weight: 1, arbitrary: deepJson.map((t) => plain('deep JSON', 'application/json')(Buffer.from(t))) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 2048 }), fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }))
        .map(([b, ct]) => plain('raw bytes', ct)(Buffer.from(b))),
    },
    {
      weight: 1,
      arbitrary: fc
        .dictionary(
          hostileString.map((s) => s.slice(0, 50)),
          hostileString.map((s) => s.slice(0, 500)),
          { maxKeys: 5 },
        )
        .map((d) => plain('form', 'application/x-www-form-urlencoded')(Buffer.from(new URLSearchParams(d).toString()))),
    },
    { weight: 1, arbitrary: hostileString.map((s) => plain('text', 'text/plain')(Buffer.from(s))) },
    {
      weight: 1,
      arbitrary: multipart(bodySchema ? validValue(bodySchema) : fc.jsonValue()).map(({ body, contentType }) => plain('multipart', contentType)(body)),
    },
  ];
  if (bodySchema) {
    options.push({
      weight: 6,
      arbitrary: brokenValue(bodySchema).map(({ value, broken, pointer }) => ({
        body: Buffer.from(JSON.stringify(value) ?? 'null'),
        contentType: 'application/json',
        broken: [pointer],
        shaped: true,
        polluted: broken.kind === 'add' && (POLLUTION_KEYS as readonly string[]).includes(broken.key),
        kind: `schema-shaped, ${broken.kind} ${pointer}`,
      })),
    });
  }
  return fc.oneof(...options);
}

function authorization(route: CapturedRoute, ctx: Context): fc.Arbitrary<string | undefined> {
  const garbled = fc.oneof(
    fc.constantFrom(
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `bearer ${ctx.apiKey}x`,
      `Bearer ${ctx.apiKey} extra`,
    ),
    hostileString.map((s) => `Bearer ${s.slice(0, 4000)}`),
  );
  // Mostly the right key on authenticated routes, so requests reach validation and the service behind it.
  return route.url.startsWith('/v1/') ? fc.oneof({ weight: 4, arbitrary: fc.constant(`Bearer ${ctx.apiKey}`) }, { weight: 1, arbitrary: garbled }) : garbled;
}

const idempotencyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constant<{ value?: string; valid: boolean }>({ valid: true }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,255}$/).map((value) => ({ value, valid: true })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom('', ' ', 'x'.repeat(256), 'x'.repeat(8_000), 'ñandú', 'a b'),
        hostileString.map((s) => s.slice(0, 8_000)),
      )
      .map((value) => ({ value, valid: /^[\x21-\x7e]{1,255}$/.test(value) })),
  },
);

export function hostileRequest(route: CapturedRoute, ctx: Context): fc.Arbitrary<HostileRequest> {
  const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  const params = (route.schema?.params as any)?.properties ?? {};
  const segments = fc.tuple(...names.map((n) => segment(params[n]?.pattern, ctx)));
  const wildcard = route.url.endsWith('*')
    ? fc.oneof(
        segment(undefined, ctx),
        fc.constantFrom('../../../etc/passwd', '..%2F..%2Fpackage.json', '%2e%2e/%2e%2e/.env').map((raw) => ({ raw, valid: false })),
      )
    : fc.constant(undefined);
  return fc
    .record({
      segments,
      wildcard,
      query: queryString(route.schema?.querystring as Record<string, any> | undefined),
      body: bodies(route),
      auth: authorization(route, ctx),
      idem: idempotencyKey,
      accept: fc.option(fc.constantFrom('*/*', 'application/json', 'text/html', 'application/pdf', 'garbage/!!'), { nil: undefined }),
      language: fc.option(
        hostileString.map((s) => s.slice(0, 500)),
        { nil: undefined },
      ),
    })
    .map(({ segments, wildcard, query, body, auth, idem, accept, language }) => {
      let path = route.url;
      const broken = [...body.broken, ...query.broken];
      names.forEach((name, i) => {
        path = path.replace(`:${name}`, segments[i].raw);
        if (!segments[i].valid && params[name]) broken.push(`/${name}`);
      });
      if (wildcard) path = path.replace(/\*$/, wildcard.raw);
      if (query.qs) path += `?${query.qs}`;
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers.authorization = headerSafe(auth);
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      if (idem.value !== undefined) headers['idempotency-key'] = headerSafe(idem.value);
      if (!idem.valid) broken.push('/Idempotency-Key');
      if (accept) headers.accept = accept;
      if (language !== undefined) headers['accept-language'] = headerSafe(language);
      // HEAD and GET carry no body through most proxies; we send one anyway on POST/PATCH/DELETE only
      const withBody = !['GET', 'HEAD'].includes(route.method) || body.kind === 'none';
      return {
        method: route.method,
        path,
        headers: withBody ? headers : Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type')),
        body: withBody ? body.body : undefined,
        broken: withBody ? broken : broken.filter((p) => !body.broken.includes(p)),
        shaped: withBody && body.shaped,
        polluted: withBody && body.polluted,
        bodyKind: withBody ? body.kind : 'none',
      };
    });
}
