// Schemas of the admin API (/v1/admin): tenants and their API keys. A key appears in clear only in NewKey, the answer
// of the call that created it.
import { Type, type Static } from 'typebox';

/** Tenant ids the operator may choose ('default' is the API_KEY bootstrap's); generated ones are ten_… */
export const TENANT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

export const TenantParams = Type.Object({ id: Type.String({ pattern: TENANT_ID_PATTERN }) });
export type TenantParams = Static<typeof TenantParams>;

export const KeyParams = Type.Object({ id: Type.String({ pattern: TENANT_ID_PATTERN }), keyId: Type.String({ pattern: '^key_[A-Za-z0-9_-]{1,64}$' }) });
export type KeyParams = Static<typeof KeyParams>;

export const CreateTenantBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'shown in messages when the tenant sets no brand' }),
    id: Type.Optional(Type.String({ pattern: TENANT_ID_PATTERN, description: 'your own id for it (default: a generated ten_…)' })),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const TenantResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  activeKeys: Type.Integer({ description: 'keys not revoked' }),
});

export const TenantList = Type.Object({ items: Type.Array(TenantResponse) });

export const KeyResponse = Type.Object({
  id: Type.String(),
  prefix: Type.String({ description: 'the first characters of the key, to tell keys apart' }),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'refreshed at most once a minute' }),
});

export const KeyList = Type.Object({ items: Type.Array(KeyResponse) });

export const NewKeyResponse = Type.Object({
  ...KeyResponse.properties,
  key: Type.String({ description: 'the API key, shown this once: only its SHA-256 is stored' }),
});

export const CreatedTenantResponse = Type.Object({ tenant: TenantResponse, apiKey: NewKeyResponse });
