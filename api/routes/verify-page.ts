// The public verification page (issue 8 §3): GET /verify and GET /verify/{processId} — the address the certificate's
// QR code and printed URL give — serve one HTML page (api/pages/verify.html, with verify.js and verify.css) where
// anyone drops a certificate or a sealed document and reads the checks. The page posts the file to the public
// POST /verify (routes/evidence.ts; with ?processId= on the page of one process, which adds process_matches). No API
// key, nothing from another origin: a strict Content-Security-Policy, no inline script or style. Spanish or English by
// Accept-Language (or ?lang=), switchable on the page. Hidden from the OpenAPI document: it is a page, not API.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../shared/otp';
import { LOCALES, pageTexts, preferredLocale, type PageTexts } from '../pages/verify-text';
import { HttpProblem } from '../problem';

const page = (name: string) => readFileSync(new URL(`../pages/${name}`, import.meta.url), 'utf8');
/** verify.html without its comments (notes for developers, not for visitors) */
const TEMPLATE = page('verify.html').replace(/<!--[\s\S]*?-->\s*/g, '');
const SCRIPT = page('verify.js');
const STYLE = page('verify.css');

/** The process ids the API issues (the same pattern POST /verify's ?processId= accepts). */
export const PROCESS_ID = /^prc_[A-Za-z0-9_-]{1,64}$/;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface VerifyPageOptions {
  /** whether /.well-known/jwks.json is served (an EC P-256 seal key): the page links it only then */
  jwks: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside <script type="application/json">: no "</script" or "<!--" can end or bend the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The page for `processId` (or none), in `locale`. `root` leads from the page's own URL back to where the app is
 * mounted ("./" from /verify, "../" from /verify/{id}), so links and the form work behind a path-prefixing proxy too.
 */
export function renderVerifyPage(opts: { locale: Locale; processId?: string; root: string; jwks: boolean; texts: Record<Locale, PageTexts> }): string {
  const { locale, processId, root, texts } = opts;
  const values: Record<string, string> = {
    ...texts[locale].text,
    lang: locale,
    root,
    processId: processId ?? '',
    hasProcess: String(processId !== undefined),
    hasJwks: String(opts.jwks),
    verifyAction: `${root}verify${processId ? `?processId=${processId}` : ''}`,
    esCurrent: String(locale === 'es'),
    enCurrent: String(locale === 'en'),
  };
  return TEMPLATE.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
    if (name === 'texts') return scriptJson(texts);
    if (!(name in values)) throw new Error(`verify.html: no value for {{${name}}}`);
    return escapeHtml(values[name]);
  });
}

export async function verifyPageRoutes(app: FastifyInstance, { jwks }: VerifyPageOptions) {
  const texts = Object.fromEntries(LOCALES.map((locale) => [locale, pageTexts(locale)])) as Record<Locale, PageTexts>;
  // Every placeholder has a value: a template mistake fails at start, not on a visitor's request.
  for (const locale of LOCALES) renderVerifyPage({ locale, root: './', jwks, texts });

  const schema = { hide: true, tags: ['verification page'] };

  function sendPage(request: FastifyRequest, reply: FastifyReply, processId?: string) {
    const lang = (request.query as { lang?: unknown } | undefined)?.lang;
    const locale = LOCALES.includes(lang as Locale) ? (lang as Locale) : preferredLocale(request.headers['accept-language']);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .header('vary', 'Accept-Language')
      .send(renderVerifyPage({ locale, processId, root: processId ? '../' : './', jwks, texts }));
  }

  app.get('/verify', { schema }, async (request, reply) => sendPage(request, reply));
  app.get<{ Params: { processId: string } }>('/verify/:processId', { schema }, async (request, reply) => {
    const { processId } = request.params;
    if (!PROCESS_ID.test(processId)) {
      throw new HttpProblem(404, 'not-found', 'Not Found', `${processId} is not a process id (prc_…): there is no verification page for it`);
    }
    return sendPage(request, reply, processId);
  });

  const asset = (type: string, body: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=300').send(body);
  app.get('/verify/assets/verify.js', { schema }, asset('text/javascript; charset=utf-8', SCRIPT));
  app.get('/verify/assets/verify.css', { schema }, asset('text/css; charset=utf-8', STYLE));
}
