// temporal-dev.yml cannot run here (no Docker engine): check that it parses, defines the services the
// README names, and wires them to each other and to configuration names the app actually reads.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(path.join(ROOT, 'temporal-dev.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<string, any>;
const configSource = readFileSync(path.join(ROOT, 'platform/config.ts'), 'utf8');

describe('temporal-dev.yml', () => {
  it('defines the services the README names', () => {
    assert.deepEqual(Object.keys(services).sort(), ['api', 'migrate', 'postgresql', 'temporal', 'temporal-ui', 'worker']);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const name of Object.keys(services)) assert.ok(readme.includes(`\`${name}\``), `README mentions ${name}`);
  });

  it('pins every image', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image && !service.build) assert.match(service.image, /:[\w.-]+$/, `${name} pins its image`);
    }
  });

  it('runs the API and the worker as separate processes from one image, after migrations', () => {
    assert.deepEqual(services.api.command, ['npm', 'run', 'api']);
    assert.deepEqual(services.worker.command, ['npm', 'run', 'worker']);
    assert.deepEqual(services.migrate.command, ['npm', 'run', 'db:migrate']);
    assert.ok(existsSync(path.join(ROOT, services.api.build)) && existsSync(path.join(ROOT, 'Dockerfile')));
    for (const name of ['api', 'worker']) assert.equal(services[name].depends_on.migrate.condition, 'service_completed_successfully');
  });

  it('points the app at the Temporal service and the shared PostgreSQL', () => {
    for (const name of ['api', 'worker']) {
      const env = services[name].environment;
      const [host, port] = env.TEMPORAL_ADDRESS.split(':');
      assert.equal(host, 'temporal');
      assert.ok(services.temporal.ports.some((p: string) => p.endsWith(`:${port}`)));
      assert.equal(new URL(env.DATABASE_URL).hostname, 'postgresql');
      assert.equal(env.DATABASE_URL, services.migrate.environment.DATABASE_URL);
    }
    assert.equal(services.api.environment.HOST, '0.0.0.0');
  });

  it('uses only configuration names the app reads', () => {
    for (const name of ['api', 'worker']) {
      for (const key of Object.keys(services[name].environment)) {
        if (key === 'NODE_ENV') continue;
        assert.ok(configSource.includes(`'${key}'`), `${name} sets ${key}, which platform/config.ts reads`);
      }
    }
  });

  it('gives the Temporal UI the API codec server, and the API the UI as CORS origin', () => {
    const ui = services['temporal-ui'];
    const apiPort = services.api.ports[0].split(':')[0];
    assert.equal(ui.environment.TEMPORAL_CODEC_ENDPOINT, `http://localhost:${apiPort}/codec`);
    const uiPort = ui.ports[0].split(':')[0];
    assert.equal(services.api.environment.TEMPORAL_UI_URL, `http://localhost:${uiPort}`);
  });

  it('gives the Temporal server the dynamic configuration the dev server gets (eager activity dispatch)', () => {
    const env = services.temporal.environment;
    const mount = (services.temporal.volumes as string[]).find((v) => v.split(':')[1] === `/etc/temporal/${env.DYNAMIC_CONFIG_FILE_PATH}`);
    assert.ok(mount, 'the dynamic config file is mounted where DYNAMIC_CONFIG_FILE_PATH points');
    const file = parse(readFileSync(path.join(ROOT, mount.split(':')[0]), 'utf8'));
    assert.deepEqual(file['system.enableActivityEagerExecution'], [{ value: true }]);
    assert.match(readFileSync(path.join(ROOT, 'platform/dev-server.ts'), 'utf8'), /system\.enableActivityEagerExecution=true/);
  });
});
