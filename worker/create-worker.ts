// Worker construction: workflow code bundled once per process, activities made by the factory with
// injected dependencies, and the payload codec on every payload the worker sends or receives.
import { fileURLToPath } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { heartbeatInterceptors } from './heartbeat-interceptor';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundles the workflow code once per process (webpack + swc, about a second). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger }).then(({ code }) => ({ code }));
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codec: PayloadCodec;
  deps: ActivityDeps;
}

export async function createWorker({ connection, namespace, taskQueue, codec, deps }: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(deps),
    dataConverter: { payloadCodecs: [codec] },
    interceptors: { activity: [heartbeatInterceptors] },
    // On shutdown, running activities get this long to finish, then are cancelled; after the force
    // time the worker stops regardless (a provider call cannot hold a deployment hostage).
    shutdownGraceTime: '5 seconds',
    shutdownForceTime: '10 seconds',
  });
}
