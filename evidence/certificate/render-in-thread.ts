// renderCertificate on a worker thread. A render is one long synchronous stretch of pdfmake layout (about 200 ms of
// CPU for a 100-event process, more on a busy machine), and run on the Temporal worker's event loop it holds up every
// workflow task and activity completion queued behind it — it once produced a "workflow task took 5 s" warning. Here
// the caller's event loop only copies the view and the attachments to the thread and the PDF back.
//
// One thread for the process, started on first use and reused, so the fonts it parses once (render.ts) stay parsed.
// Renders sent while one runs wait in the thread's queue; the thread does not keep the process alive when idle. If
// the thread dies, the renders in flight fail (the activity retries) and the next call starts a new thread.
//
// This file is also the thread's entry point: loaded as a worker with the marker below, it answers render requests.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { CertificateAttachment } from './render';
import type { CertificateView } from './view';

const THREAD_MARKER = 'testigo-certificate-render';

interface RenderRequest {
  id: number;
  view: CertificateView;
  attachments: CertificateAttachment[];
}
type RenderReply = { id: number; pdf: Uint8Array } | { id: number; error: { name: string; message: string; stack?: string } };

interface Pending {
  resolve: (pdf: Uint8Array) => void;
  reject: (error: Error) => void;
}

let thread: { worker: Worker; pending: Map<number, Pending> } | null = null;
let nextId = 1;

/** renderCertificate (render.ts), on the shared render thread: same arguments, same bytes. */
export function renderCertificateInThread(view: CertificateView, attachments: CertificateAttachment[]): Promise<Uint8Array> {
  const { worker, pending } = (thread ??= startThread());
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (pending.size === 1) worker.ref(); // a render in flight keeps the process alive until it is answered
    worker.postMessage({ id, view, attachments } satisfies RenderRequest);
  });
}

/** Stops the render thread (tests, shutdown); renders in flight are rejected. The next render starts a new one. */
export async function closeRenderThread(): Promise<void> {
  const current = thread;
  if (!current) return;
  thread = null;
  fail(current.pending, new Error('the certificate render thread was closed'));
  await current.worker.terminate();
}

function startThread(): { worker: Worker; pending: Map<number, Pending> } {
  // This file is TypeScript: the thread registers tsx's loader before importing it. (Inheriting `--import tsx` in
  // execArgv is not enough on Node 20: a worker's entry module is resolved before --import's hooks are in place.)
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { role: THREAD_MARKER } });
  const pending = new Map<number, Pending>();
  const self = { worker, pending };
  worker.unref();
  worker.on('message', (reply: RenderReply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if ('pdf' in reply) call.resolve(reply.pdf);
    else call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack }));
  });
  const gone = (error: Error) => {
    if (thread === self) thread = null;
    fail(pending, error);
  };
  worker.on('error', (error) => gone(error));
  worker.on('exit', (code) => gone(new Error(`the certificate render thread exited with code ${code}`)));
  return self;
}

function fail(pending: Map<number, Pending>, error: Error): void {
  for (const call of pending.values()) call.reject(error);
  pending.clear();
}

// ---- the thread ------------------------------------------------------------------------------------------------
if (!isMainThread && (workerData as { role?: string } | null)?.role === THREAD_MARKER && parentPort) {
  const port = parentPort;
  const { renderCertificate } = await import('./render');
  port.on('message', async ({ id, view, attachments }: RenderRequest) => {
    let reply: RenderReply;
    try {
      const pdf = await renderCertificate(view, attachments);
      // the PDF's memory moves to the caller instead of being copied: a view of a whole buffer of its own
      reply = { id, pdf: pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : pdf.slice() };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = { id, error: { name: e.name, message: e.message, stack: e.stack } };
    }
    port.postMessage(reply, 'pdf' in reply ? [reply.pdf.buffer as ArrayBuffer] : []);
  });
}
