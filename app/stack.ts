// Wires the application from configuration: database, keys, codec, Temporal client and worker, the
// providers and the API. `npm start` runs everything in one process beside a dev server; `npm run
// api` and `npm run worker` run one half each; the tests and benchmarks build the same stack.
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp, type AppDeps } from '../api/app';
import { FileBlobStore } from '../custody/file-blob-store';
import { jwks, type Jwks } from '../evidence/jws';
import { ensureAdminKey } from '../domain/api-keys';
import { ensureTenantWithKey } from '../domain/tenants';
import { AesGcmCodec } from '../platform/codec';
import type { Config } from '../platform/config';
import { openDatabase, type Database } from '../platform/db';
import { loadKeys, type Keys } from '../platform/keys';
import { TemplateReadiness } from '../messaging/templates/readiness';
import { TemplateRegistry } from '../messaging/templates/registry';
import { SandboxStore } from '../sandbox/store';
import { loadSealIdentity, type SealIdentity } from '../sealing';
import { ALL_SEARCH_ATTRIBUTES } from '../shared/search-attributes';
import { createWorker } from '../worker/create-worker';
import { buildActivityDeps } from './activity-deps';

export interface StackOptions {
  config: Config;
  /** run the HTTP API (and the sandbox, when a provider is the sandbox) */
  api?: boolean;
  /** run a Temporal worker */
  worker?: boolean;
  /** an already open database (tests share one per suite); otherwise opened from config */
  database?: Database;
  /** where logs go (tests capture them); default stdout */
  logStream?: NodeJS.WritableStream;
  /** keep the sandbox's handsets in memory instead of DATA_DIR */
  sandboxInMemory?: boolean;
}

export interface Stack {
  config: Config;
  db: Database;
  keys: Keys;
  client: Client;
  logger: Logger;
  app?: FastifyInstance;
  worker?: Worker;
  /** base URL the API listens on */
  url?: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** The Temporal Runtime is process-wide and can be configured once: route its logs into pino. */
function installRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const temporalLog = logger.child({ component: 'temporal' });
  Runtime.install({
    // The entry points own SIGINT/SIGTERM and stop the API before the worker.
    shutdownSignals: [],
    logger: {
      log: (level, message, meta) => temporalLog[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')](meta ?? {}, message),
      trace: (message, meta) => temporalLog.trace(meta ?? {}, message),
      debug: (message, meta) => temporalLog.debug(meta ?? {}, message),
      info: (message, meta) => temporalLog.info(meta ?? {}, message),
      warn: (message, meta) => temporalLog.warn(meta ?? {}, message),
      error: (message, meta) => temporalLog.error(meta ?? {}, message),
    },
  });
}

/** Registers the app's search attributes on an existing cluster (the dev server gets them as flags). */
async function registerSearchAttributes(connection: NativeConnection, namespace: string, logger: Logger): Promise<void> {
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, 2 /* INDEXED_VALUE_TYPE_KEYWORD */])),
    });
  } catch (error) {
    const code = (error as { code?: number }).code;
    // 6 = ALREADY_EXISTS; 7 = PERMISSION_DENIED (managed clusters: register them in the console)
    if (code !== 6) logger.warn({ err: error }, 'could not register search attributes');
  }
}

/** What the process routes need: custody, the template approval check (cached), the seal CA to publish. */
async function processDeps(config: Config): Promise<AppDeps['processes']> {
  const { whatsapp } = config;
  const registry = whatsapp.wabaId
    ? new TemplateRegistry({ baseUrl: whatsapp.apiBaseUrl, version: whatsapp.apiVersion, wabaId: whatsapp.wabaId, accessToken: whatsapp.accessToken ?? '' })
    : undefined;
  // Without a WABA id (e.g. 360dialog, whose templates live elsewhere) approval cannot be checked up front.
  const templates = registry ? new TemplateReadiness(registry, { ttlMs: whatsapp.templateStatusTtlMs }) : { missing: async () => [] };
  const identity = await loadSealIdentity({ dataDir: config.dataDir, p12Path: config.seal.p12, p12Password: config.seal.p12Password });
  return { blobs: new FileBlobStore(path.join(config.dataDir, 'blobs')), templates, sealCaPem: identity.caPem, jwks: sealJwks(identity) };
}

/** The JWKS of the seal key; evidence JWS are ES256, so a seal key of another type publishes none. */
function sealJwks(identity: SealIdentity): Jwks | undefined {
  try {
    return jwks(identity.privateKey, [identity.certificate, ...identity.chain]);
  } catch {
    return undefined;
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  if (!config.temporal.address) throw new Error('startStack needs config.temporal.address (start a dev server first)');
  const logger = pino({ level: config.logLevel }, options.logStream ?? process.stdout);
  installRuntime(logger);

  const db =
    options.database ?? (await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite'), log: (msg) => logger.info(msg) }));
  const keys = loadKeys(config);
  const codec = new AesGcmCodec([{ id: keys.payloadKeyId, key: keys.payload }]);
  if (config.apiKey) await ensureTenantWithKey(db.prisma, keys, 'default', 'Default tenant', config.apiKey);
  if (config.adminApiKey) await ensureAdminKey(db.prisma, config.adminApiKey);

  // One native connection (the SDK's Rust core) for the client and the worker: its gRPC runs off the event loop, which
  // the webhooks, the activities and the database share (bench: grpc-js + protobufjs were the client's main-thread
  // cost of every signal and start).
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  await registerSearchAttributes(connection, config.temporal.namespace, logger);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs: [codec] } });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  if (options.worker) {
    const deps = buildActivityDeps(config, db.prisma, keys, client, codec);
    worker = await createWorker({ connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, codec, deps });
    workerRun = worker.run();
    workerRun.catch((error) => logger.fatal({ err: error }, 'worker stopped'));
  }

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (options.api) {
    const usesSandbox = config.sms.provider === 'sandbox' || config.whatsapp.provider === 'sandbox';
    const sandbox = usesSandbox ? new SandboxStore(options.sandboxInMemory ? undefined : path.join(config.dataDir, 'sandbox', 'state.json')) : undefined;
    app = await buildApp({
      config,
      prisma: db.prisma,
      temporal: client,
      keys,
      codec,
      sandbox,
      logStream: options.logStream,
      processes: await processDeps(config),
    });
    url = await app.listen({ port: config.port, host: config.host });
  }

  // Graceful but bounded: a phase that overruns is logged and left behind, so a stuck request or
  // activity cannot keep the process (or a test run) from stopping.
  const phase = async (name: string, ms: number, work: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<'overran'>((resolve) => (timer = setTimeout(() => resolve('overran'), ms)));
    const outcome = await Promise.race([work().catch((error) => logger.warn({ err: error }, `stopping: ${name} failed`)), overran]);
    clearTimeout(timer);
    if (outcome === 'overran') logger.warn(`stopping: ${name} did not finish within ${ms} ms; going on`);
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // API first (no new work), then the worker drains, then the connections and the database.
      if (app) await phase('the API', 5_000, () => app!.close());
      if (worker) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await phase('the worker', 12_000, async () => workerRun);
      }
      await phase('the Temporal connection', 3_000, () => connection.close());
      if (!options.database) await phase('the database', 5_000, () => db.close());
    })());

  return { config, db, keys, client, logger, app, worker, url, stop };
}
