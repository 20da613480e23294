// Configuration from the environment (platform/config.ts) and the server-side keys (platform/keys.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, SANDBOX_TWILIO } from '../../platform/config';
import { deriveKeys, loadKeys, loadOrCreateDevKey, parseKey } from '../../platform/keys';

describe('loadConfig', () => {
  it('has the documented defaults with an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.publicBaseUrl, 'http://localhost:3000');
    assert.equal(c.dataDir, path.resolve('./.data'));
    assert.ok(path.isAbsolute(c.dataDir));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.temporal.address, undefined);
    assert.equal(c.temporal.namespace, 'default');
    assert.equal(c.temporal.taskQueue, 'testigo');
    assert.equal(c.apiKey, undefined);
    assert.equal(c.whatsapp.provider, 'sandbox');
    assert.equal(c.whatsapp.apiVersion, 'v23.0');
    assert.equal(c.whatsapp.apiBaseUrl, 'http://127.0.0.1:3000/sandbox/graph');
    assert.equal(c.sms.provider, 'sandbox');
    assert.equal(c.sms.twilioApiBaseUrl, 'http://127.0.0.1:3000/sandbox/twilio');
    assert.equal(c.sms.twilioAccountSid, SANDBOX_TWILIO.accountSid);
    assert.equal(c.sms.twilioAuthToken, SANDBOX_TWILIO.authToken);
    assert.equal(c.sms.twilioFrom, SANDBOX_TWILIO.from);
    assert.equal(c.temporalUiUrl, 'http://localhost:8233');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.development, true);
    assert.equal(c.payloadKey, undefined);
    assert.equal(c.codecToken, undefined);
    assert.equal(c.evidenceRetentionMs, 2190 * 86_400_000, 'custody keeps evidence 6 years by default');
  });

  it('refuses NODE_ENV=production without CODEC_TOKEN, and with a sandbox provider unless opted in, naming the variables', () => {
    const real = {
      NODE_ENV: 'production',
      CODEC_TOKEN: 'ct',
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_PHONE_NUMBER_ID: '123',
      WHATSAPP_ACCESS_TOKEN: 'tok',
      WHATSAPP_APP_SECRET: 'app-secret',
      WHATSAPP_VERIFY_TOKEN: 'verify',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'auth',
      TWILIO_FROM: '+15005550006',
    };
    assert.equal(loadConfig(real).development, false);
    const refused = (env: Record<string, string>, pattern: RegExp) =>
      assert.throws(
        () => loadConfig(env),
        (e: Error) => e instanceof ConfigError && pattern.test(e.message),
        JSON.stringify(env),
      );
    refused({ ...real, CODEC_TOKEN: '' }, /CODEC_TOKEN/);
    refused({ NODE_ENV: 'production', CODEC_TOKEN: 'ct' }, /WHATSAPP_PROVIDER and SMS_PROVIDER/);
    refused({ ...real, SMS_PROVIDER: 'sandbox' }, /SMS_PROVIDER unset or "sandbox"/);
    refused({ ...real, WHATSAPP_PROVIDER: '' }, /WHATSAPP_PROVIDER/);
    assert.equal(loadConfig({ NODE_ENV: 'production', CODEC_TOKEN: 'ct', ALLOW_SANDBOX_IN_PRODUCTION: 'true' }).sms.provider, 'sandbox');
    assert.equal(loadConfig({}).development, true, 'development: both defaults allowed');
  });

  it('reads EVIDENCE_RETENTION as a duration, naming it when it is not one', () => {
    assert.equal(loadConfig({ EVIDENCE_RETENTION: '3650d' }).evidenceRetentionMs, 3650 * 86_400_000);
    assert.throws(
      () => loadConfig({ EVIDENCE_RETENTION: '10 years' }),
      (e: Error) => e instanceof ConfigError && /EVIDENCE_RETENTION/.test(e.message),
    );
  });

  it('reads ADMIN_API_KEY, the rate limits (0 turns one off) and TRUST_PROXY, naming a bad value', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.adminApiKey, undefined);
    assert.deepEqual(defaults.rateLimits, { perTenantPerMinute: 3000, publicVerifyPerIpPerMinute: 30 });
    assert.equal(defaults.trustProxy, undefined);
    const set = loadConfig({ ADMIN_API_KEY: 'tsa_x', RATE_LIMIT_PER_MINUTE: '0', VERIFY_RATE_LIMIT_PER_MINUTE: '12', TRUST_PROXY: '10.0.0.0/8,127.0.0.1' });
    assert.equal(set.adminApiKey, 'tsa_x');
    assert.deepEqual(set.rateLimits, { perTenantPerMinute: 0, publicVerifyPerIpPerMinute: 12 });
    assert.equal(set.trustProxy, '10.0.0.0/8,127.0.0.1');
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, undefined);
    for (const name of ['RATE_LIMIT_PER_MINUTE', 'VERIFY_RATE_LIMIT_PER_MINUTE']) {
      for (const bad of ['-1', '1.5', 'lots', '0x10']) {
        assert.throws(
          () => loadConfig({ [name]: bad }),
          (e: Error) => e instanceof ConfigError && e.message.includes(name),
          `${name}=${bad}`,
        );
      }
    }
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ PORT: '', HOST: '', SMS_PROVIDER: '', WHATSAPP_PROVIDER: '', TEMPORAL_NAMESPACE: '', API_KEY: '' });
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.sms.provider, 'sandbox');
    assert.equal(c.whatsapp.provider, 'sandbox');
    assert.equal(c.temporal.namespace, 'default');
    assert.equal(c.apiKey, undefined);
  });

  it('derives the sandbox base URLs from PORT and HOST', () => {
    const c = loadConfig({ PORT: '4100' });
    assert.equal(c.publicBaseUrl, 'http://localhost:4100');
    assert.equal(c.sms.twilioApiBaseUrl, 'http://127.0.0.1:4100/sandbox/twilio');
    assert.equal(c.whatsapp.apiBaseUrl, 'http://127.0.0.1:4100/sandbox/graph');
    assert.equal(loadConfig({ HOST: '10.0.0.5', PORT: '8080' }).sms.twilioApiBaseUrl, 'http://10.0.0.5:8080/sandbox/twilio');
    // a wildcard bind address is reached over loopback
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).sms.twilioApiBaseUrl, 'http://127.0.0.1:3000/sandbox/twilio');
    assert.equal(loadConfig({ HOST: '::' }).whatsapp.apiBaseUrl, 'http://127.0.0.1:3000/sandbox/graph');
  });

  it('applies overrides', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_BASE_URL: 'https://testigo.example.com',
      DATA_DIR: '/var/lib/testigo',
      DATABASE_URL: 'postgres://u:p@db/testigo',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'q1',
      API_KEY: 'k',
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_API_VERSION: 'v24.0',
      WHATSAPP_PHONE_NUMBER_ID: '123',
      WHATSAPP_ACCESS_TOKEN: 'tok',
      WHATSAPP_APP_SECRET: 'app-secret',
      WHATSAPP_VERIFY_TOKEN: 'verify',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'auth',
      TWILIO_FROM: '+15005550006',
      PAYLOAD_KEY: 'pk',
      CODEC_TOKEN: 'ct',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.publicBaseUrl, 'https://testigo.example.com');
    assert.equal(c.dataDir, '/var/lib/testigo');
    assert.equal(c.databaseUrl, 'postgres://u:p@db/testigo');
    assert.deepEqual(c.temporal, { address: 'temporal:7233', namespace: 'prod', taskQueue: 'q1' });
    assert.equal(c.apiKey, 'k');
    assert.equal(c.whatsapp.provider, 'cloud');
    assert.equal(c.whatsapp.apiBaseUrl, 'https://graph.facebook.com');
    assert.equal(c.whatsapp.apiVersion, 'v24.0');
    assert.equal(c.whatsapp.phoneNumberId, '123');
    assert.equal(c.whatsapp.accessToken, 'tok');
    assert.deepEqual(c.sms, {
      provider: 'twilio',
      twilioApiBaseUrl: 'https://api.twilio.com',
      twilioAccountSid: 'AC1',
      twilioAuthToken: 'auth',
      twilioFrom: '+15005550006',
    });
    assert.equal(c.payloadKey, 'pk');
    assert.equal(c.codecToken, 'ct');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.development, false);
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    assert.equal(loadConfig({ DATA_DIR: 'some/dir' }).dataDir, path.join(process.cwd(), 'some/dir'));
  });

  it('strips a trailing slash from base URLs', () => {
    const c = loadConfig({
      PUBLIC_BASE_URL: 'https://a.example.com/',
      WHATSAPP_API_BASE_URL: 'https://graph.example.com/',
      TWILIO_API_BASE_URL: 'https://twilio.example.com/',
      TEMPORAL_UI_URL: 'http://ui.example.com:8233/',
    });
    assert.equal(c.publicBaseUrl, 'https://a.example.com');
    assert.equal(c.whatsapp.apiBaseUrl, 'https://graph.example.com');
    assert.equal(c.sms.twilioApiBaseUrl, 'https://twilio.example.com');
    assert.equal(c.temporalUiUrl, 'http://ui.example.com:8233');
  });

  it('throws ConfigError naming PORT for a bad port', () => {
    for (const PORT of ['abc', '70000', '-1', '3.5', '65536']) {
      assert.throws(
        () => loadConfig({ PORT }),
        (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message) && e.message.includes(`"${PORT}"`),
        `PORT=${PORT}`,
      );
    }
    assert.equal(loadConfig({ PORT: '0' }).port, 0);
    assert.equal(loadConfig({ PORT: '65535' }).port, 65535);
  });

  it('rejects a PORT that is not plain decimal digits (whitespace, hex, exponent) naming PORT', () => {
    for (const PORT of [' ', '\t', '0x1F90', '1e3', '80.5', '-1', '65536']) {
      assert.throws(
        () => loadConfig({ PORT }),
        (e: unknown) => e instanceof ConfigError && e.message.includes('PORT'),
        `PORT=${JSON.stringify(PORT)}`,
      );
    }
  });

  it('throws ConfigError naming the variable for an unknown provider', () => {
    assert.throws(
      () => loadConfig({ SMS_PROVIDER: 'nexmo' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('SMS_PROVIDER') && e.message.includes('nexmo') && e.message.includes('twilio'),
    );
    assert.throws(
      () => loadConfig({ WHATSAPP_PROVIDER: 'Cloud' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('WHATSAPP_PROVIDER') && e.message.includes('360dialog'),
    );
    const dialog = loadConfig({ WHATSAPP_PROVIDER: '360dialog', WHATSAPP_ACCESS_TOKEN: 'd360', WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v' });
    assert.equal(dialog.whatsapp.provider, '360dialog');
    assert.equal(dialog.whatsapp.apiBaseUrl, 'https://waba-v2.360dialog.io');
    assert.equal(dialog.whatsapp.phoneNumberId, undefined);
  });

  it('requires the WhatsApp credentials of a real provider, naming the missing one, and defaults them for the sandbox', () => {
    for (const missing of ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN']) {
      const env: Record<string, string> = {
        WHATSAPP_PROVIDER: 'cloud',
        WHATSAPP_PHONE_NUMBER_ID: '1',
        WHATSAPP_ACCESS_TOKEN: 't',
        WHATSAPP_APP_SECRET: 's',
        WHATSAPP_VERIFY_TOKEN: 'v',
      };
      delete env[missing];
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && e.message.includes(missing),
      );
    }
    const sandbox = loadConfig({}).whatsapp;
    assert.ok(sandbox.phoneNumberId && sandbox.accessToken && sandbox.appSecret && sandbox.verifyToken);
  });

  it('requires the Twilio credentials when SMS_PROVIDER=twilio, naming the missing one', () => {
    const full = { SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'auth', TWILIO_FROM: '+15005550006' };
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) {
      const env: NodeJS.ProcessEnv = { ...full };
      delete env[name];
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && e.message.includes(name) && e.message.includes('SMS_PROVIDER=twilio'),
        name,
      );
      assert.throws(() => loadConfig({ ...env, [name]: '' }), ConfigError, `${name} empty`);
    }
    assert.doesNotThrow(() => loadConfig(full));
  });

  it('reads the seal (SEAL_P12, SEAL_P12_PASSWORD) and TSA_URL, refusing a missing P12 file and a non-http(s) TSA', () => {
    const none = loadConfig({});
    assert.deepEqual(none.seal, { p12: undefined, p12Password: undefined });
    assert.equal(none.tsaUrl, undefined);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-config-seal-'));
    try {
      const p12 = path.join(dir, 'seal.p12');
      writeFileSync(p12, 'x');
      const c = loadConfig({ SEAL_P12: p12, SEAL_P12_PASSWORD: 'pw', TSA_URL: 'https://tsa.example.com/tsr' });
      assert.deepEqual(c.seal, { p12, p12Password: 'pw' });
      assert.equal(c.tsaUrl, 'https://tsa.example.com/tsr');
      assert.equal(loadConfig({ TSA_URL: 'http://127.0.0.1:3180' }).tsaUrl, 'http://127.0.0.1:3180');

      const missing = path.join(dir, 'nope.p12');
      assert.throws(
        () => loadConfig({ SEAL_P12: missing }),
        (e: unknown) => e instanceof ConfigError && e.message.includes('SEAL_P12') && e.message.includes(missing),
      );
      for (const bad of ['ftp://tsa.example.com', 'tsa.example.com', 'file:///etc/passwd']) {
        assert.throws(
          () => loadConfig({ TSA_URL: bad }),
          (e: unknown) => e instanceof ConfigError && e.message.includes('TSA_URL'),
          bad,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keys', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'testigo-keys-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('deriveKeys gives distinct 32-byte subkeys, deterministic for a master key', () => {
    const master = randomBytes(32);
    const k = deriveKeys(master);
    assert.equal(k.payload, master);
    assert.equal(k.otpCode.length, 32);
    assert.equal(k.otpHash.length, 32);
    assert.ok(!k.otpCode.equals(k.otpHash));
    assert.ok(!k.otpCode.equals(master));
    assert.ok(!k.otpHash.equals(master));
    assert.match(k.payloadKeyId, /^[0-9a-f]{12}$/);
    assert.ok(!master.toString('hex').includes(k.payloadKeyId), 'the key id must not be a slice of the key');

    const again = deriveKeys(Buffer.from(master));
    assert.ok(again.otpCode.equals(k.otpCode));
    assert.ok(again.otpHash.equals(k.otpHash));
    assert.equal(again.payloadKeyId, k.payloadKeyId);

    const other = deriveKeys(randomBytes(32));
    assert.ok(!other.otpCode.equals(k.otpCode));
    assert.ok(!other.otpHash.equals(k.otpHash));
    assert.notEqual(other.payloadKeyId, k.payloadKeyId);
  });

  it('parseKey accepts 32 bytes of base64 and rejects other lengths, naming the variable', () => {
    const raw = randomBytes(32);
    assert.ok(parseKey(raw.toString('base64')).equals(raw));
    assert.throws(() => parseKey(randomBytes(16).toString('base64')), /^Error: PAYLOAD_KEY must be 32 bytes.*got 16 bytes/);
    assert.throws(() => parseKey(randomBytes(33).toString('base64'), 'MY_KEY'), /MY_KEY must be 32 bytes.*got 33 bytes/);
    assert.throws(() => parseKey('', 'EMPTY_KEY'), /EMPTY_KEY.*got 0 bytes/);
  });

  it('loadOrCreateDevKey creates DATA_DIR/keys/payload.key (mode 0600) once and returns the same key after', () => {
    const file = path.join(tmp, 'keys', 'payload.key');
    assert.equal(existsSync(file), false);
    const first = loadOrCreateDevKey(tmp);
    assert.equal(first.length, 32);
    assert.equal(existsSync(file), true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const content = readFileSync(file, 'utf8');
    assert.equal(Buffer.from(content.trim(), 'base64').toString('hex'), first.toString('hex'));

    const second = loadOrCreateDevKey(tmp);
    assert.ok(second.equals(first));
    assert.equal(readFileSync(file, 'utf8'), content, 'the file is not rewritten');
  });

  it('loadOrCreateDevKey rejects a corrupt key file, naming the file', () => {
    const first = loadOrCreateDevKey(tmp);
    assert.equal(first.length, 32);
    const file = path.join(tmp, 'keys', 'payload.key');
    writeFileSync(file, 'c2hvcnQ=\n');
    assert.throws(
      () => loadOrCreateDevKey(tmp),
      (e: unknown) => e instanceof Error && e.message.includes(file),
    );
  });

  it('loadKeys prefers PAYLOAD_KEY and otherwise uses the dev key in DATA_DIR', () => {
    const master = randomBytes(32);
    const fromConfig = loadKeys({ payloadKey: master.toString('base64'), dataDir: tmp });
    assert.ok(fromConfig.payload.equals(master));
    assert.equal(existsSync(path.join(tmp, 'keys')), false, 'no dev key is created when PAYLOAD_KEY is set');
    const dev = loadKeys({ dataDir: tmp });
    assert.ok(dev.payload.equals(loadOrCreateDevKey(tmp)));
  });
});
