// RFC 7807 problems: Ajv errors → one friendly FieldError per field, and the HttpProblem shape.
import assert from 'node:assert/strict';
import { fieldErrors, HttpProblem, invalidFields, problemType } from '../../api/problem';

type AjvError = Parameters<typeof fieldErrors>[0][number];

const err = (keyword: string, instancePath: string, params: Record<string, unknown> = {}, message?: string): AjvError => ({
  keyword,
  instancePath,
  params,
  message,
});

describe('fieldErrors', () => {
  it('required → the missing property path and "is required"', () => {
    assert.deepEqual(fieldErrors([err('required', '', { missingProperty: 'x' }, "must have required property 'x'")], 'body'), [
      { path: '/x', in: 'body', message: 'is required' },
    ]);
    assert.deepEqual(fieldErrors([err('required', '/contract', { missingProperty: 'title' })], 'body'), [
      { path: '/contract/title', in: 'body', message: 'is required' },
    ]);
  });

  it('additionalProperties → the extra field path and "is not a known field"', () => {
    assert.deepEqual(fieldErrors([err('additionalProperties', '', { additionalProperty: 'extra' }, 'must NOT have additional properties')], 'body'), [
      { path: '/extra', in: 'body', message: 'is not a known field' },
    ]);
    assert.deepEqual(fieldErrors([err('additionalProperties', '/a/0', { additionalProperty: 'b' })], 'body'), [
      { path: '/a/0/b', in: 'body', message: 'is not a known field' },
    ]);
  });

  it('enum → lists the allowed values', () => {
    assert.deepEqual(fieldErrors([err('enum', '/channel', { allowedValues: ['sms', 'whatsapp'] }, 'must be equal to one of the allowed values')], 'body'), [
      { path: '/channel', in: 'body', message: 'must be one of: sms, whatsapp' },
    ]);
  });

  it("format e164 → the friendly phone message; other formats keep Ajv's message", () => {
    assert.deepEqual(fieldErrors([err('format', '/to', { format: 'e164' }, 'must match format "e164"')], 'body'), [
      { path: '/to', in: 'body', message: 'must be a phone number in E.164 format, e.g. +34600111222' },
    ]);
    assert.deepEqual(fieldErrors([err('format', '/email', { format: 'email' }, 'must match format "email"')], 'body'), [
      { path: '/email', in: 'body', message: 'must match format "email"' },
    ]);
  });

  it('keeps Ajv\'s message for other keywords, and says "is invalid" without one', () => {
    assert.deepEqual(
      fieldErrors([err('maxLength', '/name', { limit: 3 }, 'must NOT have more than 3 characters'), err('type', '/n', { type: 'integer' })], 'body'),
      [
        { path: '/name', in: 'body', message: 'must NOT have more than 3 characters' },
        { path: '/n', in: 'body', message: 'is invalid' },
      ],
    );
  });

  it('an error on the whole body has path "/"', () => {
    assert.deepEqual(fieldErrors([err('type', '', { type: 'object' }, 'must be object')], 'body'), [{ path: '/', in: 'body', message: 'must be object' }]);
  });

  it('collapses several errors for the same path into the first one', () => {
    const out = fieldErrors(
      [
        err('format', '/to', { format: 'e164' }, 'must match format "e164"'),
        err('type', '/to', { type: 'null' }, 'must be null'),
        err('anyOf', '/to', {}, 'must match a schema in anyOf'),
        err('required', '', { missingProperty: 'body' }),
        err('required', '', { missingProperty: 'body' }),
      ],
      'body',
    );
    assert.deepEqual(out, [
      { path: '/to', in: 'body', message: 'must be a phone number in E.164 format, e.g. +34600111222' },
      { path: '/body', in: 'body', message: 'is required' },
    ]);
  });

  it('drops the leading slash for headers, params and querystring, but not for body', () => {
    assert.deepEqual(fieldErrors([err('required', '', { missingProperty: 'x-api-key' })], 'headers'), [
      { path: 'x-api-key', in: 'headers', message: 'is required' },
    ]);
    assert.deepEqual(fieldErrors([err('format', '/id', { format: 'uuid' }, 'must match format "uuid"')], 'params'), [
      { path: 'id', in: 'params', message: 'must match format "uuid"' },
    ]);
    assert.deepEqual(fieldErrors([err('additionalProperties', '', { additionalProperty: 'page' })], 'querystring'), [
      { path: 'page', in: 'querystring', message: 'is not a known field' },
    ]);
    assert.equal(fieldErrors([err('required', '', { missingProperty: 'x' })], 'body')[0].path, '/x');
  });

  it('returns an empty list for no errors', () => {
    assert.deepEqual(fieldErrors([], 'body'), []);
  });
});

describe('HttpProblem', () => {
  it('toProblem has type, title, status, detail and the extra members', () => {
    const p = new HttpProblem(429, 'rate-limited', 'Too Many Requests', 'Slow down', { retryAfterSeconds: 30 });
    assert.deepEqual(p.toProblem(), {
      type: 'urn:testigo:problem:rate-limited',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Slow down',
      retryAfterSeconds: 30,
    });
    assert.equal(p.message, 'Slow down');
    assert.ok(p instanceof Error);
  });

  it('toProblem omits detail when there is none, and the message falls back to the title', () => {
    const p = new HttpProblem(404, 'not-found', 'Not Found');
    assert.deepEqual(p.toProblem(), { type: problemType('not-found'), title: 'Not Found', status: 404 });
    assert.ok(!('detail' in p.toProblem()));
    assert.equal(p.message, 'Not Found');
  });

  it('invalidFields is a 400 validation-error listing every field in detail and errors', () => {
    const errors = [
      { path: '/to', in: 'body', message: 'is required' },
      { path: 'x-api-key', in: 'headers', message: 'is required' },
    ];
    assert.deepEqual(invalidFields(errors).toProblem(), {
      type: 'urn:testigo:problem:validation-error',
      title: 'Invalid request',
      status: 400,
      detail: '/to: is required; x-api-key: is required',
      errors,
    });
  });
});
