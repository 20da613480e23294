// The emulated provider APIs over HTTP, on their real paths and credentials, so the app's
// production client reaches them by changing only the base URL:
//  - Cloud API: /graph/{version}/{PNID}/messages|media, /graph/{version}/{MEDIA_ID},
//    /graph/{version}/{WABA}/message_templates, with `Authorization: Bearer <token>`;
//  - 360dialog: /360dialog/messages, /360dialog/media[/{id}], with `D360-API-KEY: <token>`
//    and no phone number id in paths (the key selects the number).
// Every failure answers with the Graph error envelope, never the app's problem details.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphError } from './whatsapp-errors';
import type { WhatsAppEmulator } from './whatsapp-emulator';
import { MAX_UPLOAD_BYTES } from './whatsapp-media';
import { boundaryOf, parseMultipart } from './whatsapp-multipart';
import { templateRoutes } from './whatsapp-template-routes';

export interface WhatsAppGraphOptions {
  emulator: WhatsAppEmulator;
  accessToken: string;
  wabaId: string;
  /** where the sandbox is mounted (`/sandbox`), for the media download URLs */
  mountPath: string;
}

const D360_GRAPH_VERSION = 'v23.0';

type Credentials = (request: FastifyRequest) => string | undefined;
const bearer: Credentials = (request) => /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
const d360Key: Credentials = (request) => request.headers['d360-api-key'] as string | undefined;

/** Graph-shaped errors, the multipart parser and the credential check of one API surface. */
function graphScope(scope: FastifyInstance, accessToken: string, credentials: Credentials[]): void {
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const graph = error instanceof GraphError ? error : new GraphError((error.statusCode ?? 500) < 500 ? 100 : 131000, error.message);
    if (graph.code === 131000 && !(error instanceof GraphError)) request.log.error({ err: error }, 'sandbox graph request failed');
    return reply.code(graph.status).send(graph.toBody());
  });
  scope.setNotFoundHandler((request, reply) => reply.code(400).send(new GraphError(2500, `Unknown path components: ${request.url.split('?')[0]}`).toBody()));
  scope.addHook('onRequest', async (request) => {
    if (!credentials.some((read) => read(request) === accessToken)) throw new GraphError(190);
  });
}

function checkVersion(version: string): void {
  if (!/^v\d+\.\d+$/.test(version)) throw new GraphError(2500, `Unknown path components: /${version}`);
}

function unknownObject(method: string, id: string): GraphError {
  return new GraphError(
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  );
}

function formParts(request: FastifyRequest) {
  const boundary = boundaryOf(request.headers['content-type']);
  const parts = Buffer.isBuffer(request.body) && boundary ? parseMultipart(request.body, boundary) : undefined;
  if (!parts) throw new GraphError(100, 'Media uploads must be multipart/form-data with the fields messaging_product, type and file.');
  return parts;
}

export async function whatsappGraph(app: FastifyInstance, { emulator, accessToken, wabaId, mountPath }: WhatsAppGraphOptions) {
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  const mediaInfo = (request: FastifyRequest, id: string, downloadPath: string) => {
    const media = emulator.media.get(id);
    if (!media) throw unknownObject('get', id);
    const { meta } = media;
    const url = `${origin(request)}${mountPath}${downloadPath}?mid=${meta.id}&ext=${Math.floor(Date.parse(meta.createdAt) / 1000)}`;
    return { messaging_product: 'whatsapp', url, mime_type: meta.mimeType, sha256: meta.sha256, file_size: meta.fileSize, id: meta.id };
  };
  const deleteMedia = (id: string) => {
    if (!emulator.media.delete(id)) throw unknownObject('delete', id);
    return { success: true };
  };
  // The download URL needs the same credential as the API that handed it out.
  const download = async (request: FastifyRequest<{ Querystring: { mid?: string } }>, reply: FastifyReply) => {
    const media = emulator.media.get(request.query.mid ?? '');
    if (!media) return reply.code(404).send(unknownObject('get', request.query.mid ?? '').toBody());
    return reply.type(media.meta.mimeType).header('content-length', media.bytes.length).send(media.bytes);
  };

  await app.register(
    async (graph) => {
      graphScope(graph, accessToken, [bearer]);
      const samePhone = (version: string, id: string, method: string) => {
        checkVersion(version);
        if (id !== emulator.phoneNumberId) throw unknownObject(method, id);
      };
      graph.post<{ Params: { version: string; id: string } }>('/:version/:id/messages', async (request) => {
        samePhone(request.params.version, request.params.id, 'post');
        return emulator.send(request.params.id, request.params.version, request.body);
      });
      graph.post<{ Params: { version: string; id: string } }>('/:version/:id/media', { bodyLimit: MAX_UPLOAD_BYTES }, async (request) => {
        samePhone(request.params.version, request.params.id, 'post');
        return { id: emulator.media.upload(request.params.id, formParts(request)) };
      });
      graph.get<{ Params: { version: string; id: string } }>('/:version/:id', async (request) => {
        checkVersion(request.params.version);
        return mediaInfo(request, request.params.id, '/lookaside/whatsapp_business/attachments/');
      });
      graph.delete<{ Params: { version: string; id: string } }>('/:version/:id', async (request) => {
        checkVersion(request.params.version);
        return deleteMedia(request.params.id);
      });
      templateRoutes(graph, { templates: emulator.templates, wabaId, checkVersion, unknownObject });
    },
    { prefix: '/graph' },
  );

  await app.register(
    async (lookaside) => {
      graphScope(lookaside, accessToken, [bearer]);
      lookaside.get('/whatsapp_business/attachments/', download);
    },
    { prefix: '/lookaside' },
  );

  await app.register(
    async (d360) => {
      graphScope(d360, accessToken, [d360Key]);
      // 360dialog's paths carry no Graph version; it forwards to a current one.
      d360.post('/messages', async (request) => emulator.send(emulator.phoneNumberId, D360_GRAPH_VERSION, request.body));
      d360.post('/media', { bodyLimit: MAX_UPLOAD_BYTES }, async (request) => ({ id: emulator.media.upload(emulator.phoneNumberId, formParts(request)) }));
      d360.get<{ Params: { id: string } }>('/media/:id', async (request) => mediaInfo(request, request.params.id, '/360dialog/whatsapp_business/attachments/'));
      d360.delete<{ Params: { id: string } }>('/media/:id', async (request) => deleteMedia(request.params.id));
      d360.get('/whatsapp_business/attachments/', download);
    },
    { prefix: '/360dialog' },
  );
}
