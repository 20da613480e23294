// `testigo tenants …` and `testigo keys …`, run as real child processes (node + the package.json "bin" shim) against a
// real stack over loopback: a tenant created with its first key printed once, listed and shown; keys issued, listed
// without the keys, revoked (and refused by the API right after); a missing or a tenant key is refused with a message
// naming where the admin key comes from.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runTestigo } from '../support/cli';
import { capturedLogs } from '../support/logs';
import { startTestStack, type TestStack } from '../support/stack';

describe('testigo tenants and keys (the admin API from the command line)', function () {
  this.timeout(60_000);
  let t: TestStack;
  const adminKey = `tsa_test_${randomBytes(16).toString('hex')}`;

  const testigo = (args: string[], env: Record<string, string> = {}) => runTestigo(args, { env });
  const admin = () => ({ TESTIGO_URL: t.url, TESTIGO_ADMIN_KEY: adminKey });
  const settingsWith = async (key: string) => (await t.request('GET', '/v1/settings', { apiKey: key })).status;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite', { ADMIN_API_KEY: adminKey });
  });
  after(async function () {
    this.timeout(60_000);
    await t?.stop();
  });

  it('tenants create prints the tenant and its key once; the key works; list and show find it', async () => {
    const run = await testigo(['tenants', 'create', '--name', 'Clínica Norte', '--id', 'cli-tenant'], admin());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^tenant cli-tenant {2}Clínica Norte$/m);
    const key = /^\s+(tsk_[A-Za-z0-9_-]+)$/m.exec(run.stdout)?.[1];
    assert.ok(key, run.stdout);
    assert.match(run.stdout, /Shown this once/);
    assert.equal(await settingsWith(key), 200);

    const list = await testigo(['tenants', 'list', '--json'], admin());
    assert.equal(list.code, 0, list.stderr);
    const tenants = JSON.parse(list.stdout) as Array<{ id: string; activeKeys: number }>;
    assert.deepEqual(tenants.find((x) => x.id === 'cli-tenant')?.activeKeys, 1);
    assert.ok(!list.stdout.includes(key));

    // --url instead of TESTIGO_URL
    const show = await testigo(['tenants', 'show', 'cli-tenant', '--url', t.url], { TESTIGO_ADMIN_KEY: adminKey });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^cli-tenant {2}Clínica Norte$/m);
    assert.match(show.stdout, /active keys\s+1/);
    assert.equal(capturedLogs.filter((line) => line.includes(key.slice(8))).length, 0, 'the key is in no log line');
  });

  it('keys create (JSON), list (never the keys), revoke: the revoked key is refused at once', async () => {
    const created = await testigo(['keys', 'create', '--tenant', 'cli-tenant', '--json'], admin());
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { id: string; key: string; prefix: string };
    assert.equal(await settingsWith(key.key), 200);

    const list = await testigo(['keys', 'list', '--tenant', 'cli-tenant'], admin());
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trim().split('\n').length, 2, list.stdout);
    assert.ok(list.stdout.includes(`${key.id}  ${key.prefix}…`), list.stdout);
    assert.ok(!list.stdout.includes(key.key), 'the key is not listed');

    const revoked = await testigo(['keys', 'revoke', '--tenant', 'cli-tenant', key.id], admin());
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`^${key.id} revoked`, 'm'));
    assert.equal(await settingsWith(key.key), 401, 'refused right after');
    const again = await testigo(['keys', 'revoke', '--tenant', 'cli-tenant', key.id, '--json'], admin());
    assert.equal(again.code, 0, 'revoking twice is fine');
    assert.ok(JSON.parse(again.stdout).revokedAt);
    const listed = await testigo(['keys', 'list', '--tenant', 'cli-tenant'], admin());
    assert.match(listed.stdout, new RegExp(`^${key.id} .*REVOKED`, 'm'));
  });

  it('refusals: no admin key (exit 2, names TESTIGO_ADMIN_KEY), a tenant key (exit 1, 403), unknown tenant (404), bad usage', async () => {
    const none = await testigo(['tenants', 'list'], { TESTIGO_URL: t.url });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /TESTIGO_ADMIN_KEY/);

    const tenantKey = await testigo(['tenants', 'list'], { TESTIGO_URL: t.url, TESTIGO_ADMIN_KEY: t.apiKey });
    assert.equal(tenantKey.code, 1);
    assert.match(tenantKey.stderr, /403 Forbidden/);
    assert.match(tenantKey.stderr, /check TESTIGO_ADMIN_KEY/);

    const viaOption = await testigo(['tenants', 'list', '--admin-key', 'tsa_wrong'], { TESTIGO_URL: t.url });
    assert.equal(viaOption.code, 1);
    assert.match(viaOption.stderr, /401 Unauthorized[\s\S]*check --admin-key/);

    const unknown = await testigo(['keys', 'list', '--tenant', 'nobody'], admin());
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 Not Found: No tenant nobody/);

    const noName = await testigo(['tenants', 'create'], admin());
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /missing --name/);
    const noTenant = await testigo(['keys', 'create'], admin());
    assert.equal(noTenant.code, 2);
    assert.match(noTenant.stderr, /missing --tenant/);
    const badName = await testigo(['tenants', 'create', '--name', ''], admin());
    assert.equal(badName.code, 2, 'an empty name is a usage error before any request');

    const help = await testigo(['--help']);
    for (const text of ['tenants create|list|show', 'keys create|list|revoke', 'TESTIGO_ADMIN_KEY']) assert.ok(help.stdout.includes(text), text);
    const keysHelp = await testigo(['keys', '--help']);
    assert.equal(keysHelp.code, 0);
    for (const text of ['--tenant', '--admin-key', '--url', '--json', 'revoke']) assert.ok(keysHelp.stdout.includes(text), text);
  });
});
