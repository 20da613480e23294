// Media as the Cloud API keeps it: uploads by multipart (`POST /{PNID}/media`), 30 days of life,
// metadata by id, bytes behind an authenticated URL, and media fetched from a link when a message
// names one. Customer attachments are kept the same way, as the app downloads them by id.
import { createHash } from 'node:crypto';
import type { SandboxStore } from './store';
import { GraphError } from './whatsapp-errors';
import { newMediaId } from './whatsapp-ids';
import type { HandsetMedia, MediaMeta, MediaRef } from './whatsapp-model';
import type { FormPart } from './whatsapp-multipart';

const MB = 1024 * 1024;
const TTL_MS = 30 * 24 * 3600 * 1000;
const LINK_TIMEOUT_MS = 10_000;

/** Types Meta accepts, with their size limits. */
const MAX_BYTES: Record<string, number> = {
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'image/webp': 500 * 1024,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
};
const IMAGE_TYPES = ['image/jpeg', 'image/png'];

export const MAX_UPLOAD_BYTES = 100 * MB + MB; // the largest file plus room for the form

export class MediaLibrary {
  constructor(
    private readonly store: SandboxStore,
    private readonly now: () => Date,
  ) {}

  /** `POST /{PNID}/media`: fields `messaging_product`, `type` (MIME) and `file`. */
  upload(phoneNumberId: string, parts: FormPart[]): string {
    const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
    const product = field('messaging_product');
    if (product !== 'whatsapp')
      throw new GraphError(100, product === undefined ? 'The parameter messaging_product is required.' : 'Param messaging_product must be one of {WHATSAPP}.');
    const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
    if (!file) throw new GraphError(100, 'The parameter file is required.');
    const type = (field('type') ?? file.contentType ?? '').split(';')[0].trim().toLowerCase();
    const limit = MAX_BYTES[type];
    if (!limit)
      throw new GraphError(
        100,
        `Param file must be a file with one of the following types: ${Object.keys(MAX_BYTES).join(', ')}. Received file of type '${type}'.`,
      );
    if (file.data.length === 0) throw new GraphError(100, 'Param file must not be empty.');
    if (file.data.length > limit) throw new GraphError(100, `Param file must be at most ${limit} bytes for ${type}, got ${file.data.length}.`);
    return this.save(phoneNumberId, file.data, type, file.filename || undefined).id;
  }

  save(phoneNumberId: string, bytes: Buffer, mimeType: string, filename?: string): MediaMeta {
    const meta: MediaMeta = {
      id: newMediaId(),
      phoneNumberId,
      mimeType,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fileSize: bytes.length,
      ...(filename ? { filename } : {}),
      createdAt: this.now().toISOString(),
    };
    this.store.putMedia(meta, Buffer.from(bytes));
    return meta;
  }

  /** media that exists and has not expired */
  get(id: string): { meta: MediaMeta; bytes: Buffer } | undefined {
    const media = this.store.media(id);
    return media && this.now().getTime() - Date.parse(media.meta.createdAt) < TTL_MS ? media : undefined;
  }

  delete(id: string): boolean {
    return this.get(id) !== undefined && this.store.deleteMedia(id);
  }

  /** What a message's media becomes on the handset, or the error Meta reports in the `failed` status. */
  async resolve(ref: MediaRef, phoneNumberId: string): Promise<HandsetMedia | GraphError> {
    return ref.id ? this.resolveUploaded(ref) : this.describe(ref, await this.fetchLink(ref.link!, phoneNumberId));
  }

  /** Media named by id is known at once (a link only once fetched). */
  resolveUploaded(ref: MediaRef): HandsetMedia | GraphError {
    return this.describe(ref, ref.id ? this.get(ref.id)?.meta : undefined);
  }

  private describe(ref: MediaRef, meta: MediaMeta | undefined): HandsetMedia | GraphError {
    if (!meta) return new GraphError(131053, ref.id ? `Media ${ref.id} does not exist or has expired.` : `Could not download the media from ${ref.link}.`);
    if (ref.kind === 'image' && !IMAGE_TYPES.includes(meta.mimeType))
      return new GraphError(131053, `Images must be image/jpeg or image/png, got ${meta.mimeType}.`);
    const filename = ref.filename ?? meta.filename;
    return {
      mediaId: meta.id,
      mimeType: meta.mimeType,
      sha256: meta.sha256,
      ...(filename ? { filename } : {}),
      ...(ref.caption ? { caption: ref.caption } : {}),
    };
  }

  /** Meta downloads a link when it sends the message; a dead link fails the message. */
  private async fetchLink(link: string, phoneNumberId: string): Promise<MediaMeta | undefined> {
    try {
      const response = await fetch(link, { signal: AbortSignal.timeout(LINK_TIMEOUT_MS) });
      if (!response.ok) return undefined;
      const bytes = Buffer.from(await response.arrayBuffer());
      const type = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim();
      const name = decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '') || undefined;
      return this.save(phoneNumberId, bytes, type, name);
    } catch {
      return undefined;
    }
  }
}
