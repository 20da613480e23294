import { Type } from 'typebox';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), in: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 7807 problem details (application/problem+json); extension members may follow', additionalProperties: true },
);

export const problemRef = Type.Ref('Problem');

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'Same key + same body → the first response again; same key + other body → 409.' })),
});
