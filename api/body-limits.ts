// Request body limits. The application's default is Fastify's 1 MB; each route that carries a body declares what
// fits it (a few kilobytes of JSON for most; the document upload and the PDF verification keep their large limits),
// and a scope whose routes are not ours (the codec server) gets one default for all of them. Over the limit: 413
// problem+json, before the body is read when Content-Length announces it.
import type { FastifyInstance } from 'fastify';

export const KB = 1024;
export const MB = 1024 * KB;

/** The application's default: routes that declare nothing (the sandbox's control API, bodiless routes). */
export const DEFAULT_BODY_LIMIT = 1 * MB;

/** Provider webhooks: Meta batches up to a few hundred events per call, Twilio posts a handful of form fields. */
export const WEBHOOK_BODY_LIMIT = 1 * MB;

/** The codec server: Temporal payloads are at most 2 MB each (the server's blob limit); the UI sends a few at once. */
export const CODEC_BODY_LIMIT = 8 * MB;

/** Gives every route registered later in `scope` that declares no bodyLimit this one. */
export function scopeBodyLimit(scope: FastifyInstance, bytes: number): void {
  scope.addHook('onRoute', (route) => {
    route.bodyLimit ??= bytes;
  });
}
