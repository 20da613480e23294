// The operator's commands, calling the admin API (/v1/admin) with an admin key: `tenants create|list|show` and
// `keys create|list|revoke`. A new key is printed once (the API keeps only its hash), with a note saying so; lists
// never carry keys. The admin key comes from --admin-key or TESTIGO_ADMIN_KEY (prefer the variable: options show in
// `ps`), the URL from --url or TESTIGO_URL. Human output by default, the API's JSON with --json.
import { EXIT, parse, UsageError } from './args';
import { baseUrl, getJson, request, type ApiConfig } from './api-client';
import { KEYS_HELP, TENANTS_HELP } from './help';
import { err, json, out, table } from './output';

interface Tenant {
  id: string;
  name: string;
  createdAt: string;
  activeKeys: number;
}

interface Key {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

type NewKey = Key & { key: string };

const COMMON = { 'admin-key': { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } } as const;

function adminConfig(command: string, values: { 'admin-key'?: string; url?: string }): ApiConfig {
  const fromOption = values['admin-key']?.trim();
  const apiKey = fromOption || process.env.TESTIGO_ADMIN_KEY?.trim();
  if (!apiKey) {
    throw new UsageError(
      `no admin key: \`testigo ${command}\` calls the admin API. Set TESTIGO_ADMIN_KEY (npm start prints the development one; ADMIN_API_KEY on the server) or pass --admin-key`,
      command.split(' ')[0],
    );
  }
  return { baseUrl: baseUrl(process.env, values.url), apiKey, keySource: fromOption ? '--admin-key' : 'TESTIGO_ADMIN_KEY' };
}

/** Dispatches `testigo <group> <sub> …` to `handlers[sub]`, with the group's help. */
async function dispatch(group: string, help: string, args: string[], handlers: Record<string, (args: string[]) => Promise<number>>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) {
    err(help);
    return EXIT.usage;
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    out(help);
    return EXIT.ok;
  }
  const handler = handlers[sub];
  if (!handler) throw new UsageError(`unknown subcommand "${group} ${sub}" (${Object.keys(handlers).join(', ')})`, group);
  return handler(rest);
}

const keyRows = (key: Key): Array<[string, string]> => [
  ['prefix', key.prefix],
  ['created', key.createdAt],
  ['last used', key.lastUsedAt ?? 'never'],
  ['revoked', key.revokedAt ?? 'no'],
];

function printNewKey(key: NewKey): void {
  out(`key ${key.id}`);
  out(`  ${key.key}`);
  out('Shown this once: Testigo keeps only its hash. Store it now (e.g. in your secret manager).');
}

export async function tenantsCommand(args: string[]): Promise<number> {
  return dispatch('tenants', TENANTS_HELP, args, {
    async create(rest) {
      const { values, positionals } = parse('tenants', rest, { ...COMMON, name: { type: 'string' }, id: { type: 'string' } });
      if (values.help) return (out(TENANTS_HELP), EXIT.ok);
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (the name goes with --name)`, 'tenants');
      if (!values.name) throw new UsageError('missing --name', 'tenants');
      const config = adminConfig('tenants create', values);
      const body = JSON.stringify({ name: values.name, ...(values.id ? { id: values.id } : {}) });
      const response = await request(config, 'POST', '/v1/admin/tenants', {
        body,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      });
      const created = (await response.json()) as { tenant: Tenant; apiKey: NewKey };
      if (values.json) return (json(created), EXIT.ok);
      out(`tenant ${created.tenant.id}  ${created.tenant.name}`);
      printNewKey(created.apiKey);
      return EXIT.ok;
    },
    async list(rest) {
      const { values, positionals } = parse('tenants', rest, COMMON);
      if (values.help) return (out(TENANTS_HELP), EXIT.ok);
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'tenants');
      const { items } = await getJson<{ items: Tenant[] }>(adminConfig('tenants list', values), '/v1/admin/tenants');
      if (values.json) return (json(items), EXIT.ok);
      if (!items.length) out('no tenants');
      for (const tenant of items) out(`${tenant.id}  ${tenant.name}  (${tenant.activeKeys} active key(s), created ${tenant.createdAt})`);
      return EXIT.ok;
    },
    async show(rest) {
      const { values, positionals } = parse('tenants', rest, COMMON);
      if (values.help) return (out(TENANTS_HELP), EXIT.ok);
      if (positionals.length !== 1) throw new UsageError('one tenant ID', 'tenants');
      const tenant = await getJson<Tenant>(adminConfig('tenants show', values), `/v1/admin/tenants/${encodeURIComponent(positionals[0])}`);
      if (values.json) return (json(tenant), EXIT.ok);
      out(`${tenant.id}  ${tenant.name}`);
      table([
        ['created', tenant.createdAt],
        ['active keys', String(tenant.activeKeys)],
      ]);
      out(`\nIts keys: testigo keys list --tenant ${tenant.id}`);
      return EXIT.ok;
    },
  });
}

export async function keysCommand(args: string[]): Promise<number> {
  const tenantPath = (tenant: string | undefined) => {
    if (!tenant) throw new UsageError('missing --tenant', 'keys');
    return `/v1/admin/tenants/${encodeURIComponent(tenant)}/keys`;
  };
  const options = { ...COMMON, tenant: { type: 'string' } } as const;
  return dispatch('keys', KEYS_HELP, args, {
    async create(rest) {
      const { values, positionals } = parse('keys', rest, options);
      if (values.help) return (out(KEYS_HELP), EXIT.ok);
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'keys');
      const path = tenantPath(values.tenant);
      const response = await request(adminConfig('keys create', values), 'POST', path, { headers: { accept: 'application/json' } });
      const key = (await response.json()) as NewKey;
      if (values.json) return (json(key), EXIT.ok);
      printNewKey(key);
      return EXIT.ok;
    },
    async list(rest) {
      const { values, positionals } = parse('keys', rest, options);
      if (values.help) return (out(KEYS_HELP), EXIT.ok);
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'keys');
      const path = tenantPath(values.tenant);
      const { items } = await getJson<{ items: Key[] }>(adminConfig('keys list', values), path);
      if (values.json) return (json(items), EXIT.ok);
      if (!items.length) out('no keys');
      for (const key of items)
        out(`${key.id}  ${key.prefix}…  created ${key.createdAt}  last used ${key.lastUsedAt ?? 'never'}${key.revokedAt ? `  REVOKED ${key.revokedAt}` : ''}`);
      return EXIT.ok;
    },
    async revoke(rest) {
      const { values, positionals } = parse('keys', rest, options);
      if (values.help) return (out(KEYS_HELP), EXIT.ok);
      if (positionals.length !== 1) throw new UsageError('one KEY_ID (key_…, from `testigo keys list`)', 'keys');
      const path = `${tenantPath(values.tenant)}/${encodeURIComponent(positionals[0])}`;
      const response = await request(adminConfig('keys revoke', values), 'DELETE', path, { headers: { accept: 'application/json' } });
      const key = (await response.json()) as Key;
      if (values.json) return (json(key), EXIT.ok);
      out(`${key.id} revoked: refused from the next request on, by every API process`);
      table(keyRows(key));
      return EXIT.ok;
    },
  });
}
