// Values shaped by a route's JSON schema, then broken in exactly one place, so a request gets past the
// parser and the other fields and the 400 can be held to naming the field that was broken.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

type Schema = Record<string, any>;

/** A real PDF, so a schema-valid process reaches the service's content checks (and sometimes starts). */
export const SAMPLE_PDF = readFileSync(new URL('../../../samples/conditions.pdf', import.meta.url));

const KNOWN_FORMATS: Record<string, fc.Arbitrary<string>> = {
  e164: fc.constantFrom('+34600111222', '+14155550100', '+447700900123'),
  // in the past: a consent collected in the future is (rightly) refused by the service
  'date-time': fc.date({ min: new Date('2000-01-01'), max: new Date('2025-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  uri: fc.constantFrom('https://business.example/hook', 'http://127.0.0.1:9/cb'),
};

/** An arbitrary of values the schema accepts (close enough: patterns and formats are honoured). */
export function validValue(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || Object.keys(schema).length === 0) return fc.jsonValue({ maxDepth: 2 });
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return fc.oneof(...union.map((s: Schema) => validValue(s, depth)));
  switch (schema.type) {
    case 'object': {
      const props: Record<string, Schema> = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validValue(s, depth + 1)]));
      if (Object.keys(model).length === 0 && typeof schema.additionalProperties === 'object')
        return fc.dictionary(fc.string({ maxLength: 8 }), validValue(schema.additionalProperties, depth + 1), { maxKeys: 3 });
      if (Object.keys(model).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc.record(model, { requiredKeys: schema.required ?? [] });
    }
    case 'array':
      return fc.array(validValue(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'string':
      if (/a whole number and one unit/.test(schema.description ?? ''))
        return fc.tuple(fc.integer({ min: 1, max: 48 }), fc.constantFrom('m', 'h')).map(([n, u]) => `${n}${u}`);
      if (schema.contentEncoding === 'base64') return fc.constant(SAMPLE_PDF.toString('base64'));
      if (schema.format && KNOWN_FORMATS[schema.format]) return KNOWN_FORMATS[schema.format];
      if (schema.pattern && schema.pattern !== '^https?://') return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20), unit: 'grapheme' });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings meant to hurt: control characters, null bytes, lone surrogates, traversal, injection, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uDFFF\uD800',
    '😀'.repeat(50),
    '\u202Egnp.exe',
    '../../../../etc/passwd',
    '%00',
    '%2e%2e%2f',
    '${jndi:ldap://x}',
    "'; DROP TABLE tenant; --",
    '<script>alert(1)</script>',
    '\r\nX-Injected: 1',
    'NaN',
    '-0',
    '1e309',
    '__proto__',
    'constructor',
  ),
  fc.constantFrom(1_000, 70_000, 1_100_000).map((n) => 'x'.repeat(n)),
);

/** Values of the wrong type, and numbers at the edges of what JSON and JavaScript can carry. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), Number.MIN_VALUE, [], {}, [null], { '': '' }),
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
);

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

export type Break =
  { kind: 'replace'; pointer: string; value: unknown } | { kind: 'delete'; pointer: string } | { kind: 'add'; pointer: string; key: string; value: unknown };

/** Every JSON pointer inside a value ('' is the value itself). */
export function pointers(value: unknown, base = ''): string[] {
  const out = [base];
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pointers(v, `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return out;
}

const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** Sets an own property, even `__proto__`, so JSON.stringify writes it as the key it is. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** Applies a break; returns the value and the pointer of what actually changed (an addition to a non-object replaces it). */
export function applyBreak(value: unknown, b: Break): { value: unknown; pointer: string } {
  const copy = structuredClone(value);
  const segments = b.pointer === '' ? [] : b.pointer.slice(1).split('/').map(unescape);
  const isObject = (v: unknown) => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
  if (segments.length === 0) {
    if (b.kind === 'add' && isObject(copy)) {
      setOwn(copy as Record<string, unknown>, b.key, b.value);
      return { value: copy, pointer: `/${b.key}` };
    }
    return { value: b.kind === 'delete' ? undefined : b.value, pointer: '' };
  }
  const last = segments.pop()!;
  let parent = copy as Record<string, unknown>;
  for (const s of segments) parent = parent[s] as Record<string, unknown>;
  if (b.kind === 'replace') setOwn(parent, last, b.value);
  else if (b.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (isObject(parent[last])) {
    setOwn(parent[last] as Record<string, unknown>, b.key, b.value);
    return { value: copy, pointer: `${b.pointer}/${b.key}` };
  } else setOwn(parent, last, b.value);
  return { value: copy, pointer: b.pointer };
}

/** A schema-valid value broken once: a field replaced by a wrong value, removed, or a stray (polluting) key added. */
export function brokenValue(schema: Schema | undefined): fc.Arbitrary<{ value: unknown; broken: Break; pointer: string }> {
  return validValue(schema).chain((valid) => {
    const target = fc.constantFrom(...pointers(valid));
    const broken: fc.Arbitrary<Break> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), pointer: target, value: wrongValue }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pointer: target }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          pointer: target,
          key: fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 10 })),
          value: fc.oneof(fc.constant({ polluted: true }), fc.constant({ prototype: { polluted: true } }), wrongValue),
        }),
      },
    );
    return broken.map((b) => {
      const applied = applyBreak(valid, b);
      return { value: applied.value, broken: b, pointer: applied.pointer };
    });
  });
}

/** Two pointers name the same field, or one contains the other (unions report at the parent; additions at the child). */
export function related(a: string, b: string): boolean {
  const norm = (p: string) => (p === '/' || p === '' ? '' : (p.startsWith('/') ? p : `/${p}`).replace(/\/$/, ''));
  const x = norm(a);
  const y = norm(b);
  return x === '' || y === '' || x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}
