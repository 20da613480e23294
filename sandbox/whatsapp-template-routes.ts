// `/{version}/{WABA}/message_templates` as Meta serves it: GET lists the WABA's templates with their
// review status (filters name, status, category, language; cursor paging with `limit`, default 25,
// and an absolute `paging.next`), POST creates one (validated, then APPROVED or the control API's
// verdict), DELETE `?name=` removes every language of a name.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphError } from './whatsapp-errors';
import type { TemplateCatalogue } from './whatsapp-template-catalogue';

interface TemplateRoutesOptions {
  templates: TemplateCatalogue;
  wabaId: string;
  checkVersion: (version: string) => void;
  unknownObject: (method: string, id: string) => GraphError;
}

type Params = { version: string; id: string };
type ListQuery = { name?: string; status?: string; category?: string; language?: string; limit?: string; after?: string };

const DEFAULT_PAGE = 25;
const cursor = (index: number) => Buffer.from(`sandbox:${index}`).toString('base64url');
const position = (value: string | undefined) => Number(/^sandbox:(\d+)$/.exec(Buffer.from(value ?? '', 'base64url').toString())?.[1] ?? 0);

export function templateRoutes(graph: FastifyInstance, { templates, wabaId, checkVersion, unknownObject }: TemplateRoutesOptions): void {
  const sameWaba = (params: Params, method: string) => {
    checkVersion(params.version);
    if (params.id !== wabaId) throw unknownObject(method, params.id);
  };

  graph.get<{ Params: Params; Querystring: ListQuery }>('/:version/:id/message_templates', async (request) => {
    sameWaba(request.params, 'get');
    const { name, status, category, language } = request.query;
    const all = templates
      .list()
      .filter(
        (e) =>
          (!name || e.definition.name.includes(name)) &&
          (!status || e.status === status.toUpperCase()) &&
          (!category || e.definition.category === category.toUpperCase()) &&
          (!language || e.definition.language === language),
      )
      .map((e) => templates.toGraph(e));
    const limit = Math.min(Math.max(Number(request.query.limit) || DEFAULT_PAGE, 1), 1000);
    const start = position(request.query.after);
    const data = all.slice(start, start + limit);
    const end = start + data.length;
    return { data, paging: { cursors: { before: cursor(start), after: cursor(end) }, ...(end < all.length ? { next: nextPage(request, cursor(end)) } : {}) } };
  });

  graph.post<{ Params: Params }>('/:version/:id/message_templates', async (request) => {
    sameWaba(request.params, 'post');
    return templates.create(request.body);
  });

  graph.delete<{ Params: Params; Querystring: { name?: string } }>('/:version/:id/message_templates', async (request) => {
    sameWaba(request.params, 'delete');
    const { name } = request.query;
    if (!name || !templates.delete(name)) throw unknownObject('delete', `message_templates?name=${name ?? ''}`);
    return { success: true };
  });
}

function nextPage(request: FastifyRequest, after: string): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('after', after);
  return url.toString();
}
