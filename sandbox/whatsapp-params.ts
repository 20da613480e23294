// Parameter checks shared by every message type, with the codes Meta uses for them.
import { GraphError } from './whatsapp-errors';
import type { MediaRef } from './whatsapp-model';

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Meta counts characters, not UTF-16 code units. */
export const charCount = (text: string) => [...text].length;

export function required(object: Json, field: string, path: string): Json {
  const value = object[field];
  if (!isObject(value)) throw new GraphError(100, `The parameter ${path} is required.`);
  return value;
}

export function maxLength(value: string | undefined, max: number, path: string, code = 100): void {
  if (value !== undefined && charCount(value) > max) throw new GraphError(code, `Param ${path} must be at most ${max} characters long.`);
}

export function optionalText(object: Json, field: string, path: string): string | undefined {
  const value = object[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new GraphError(100, `Param ${path} must be a string.`);
  return value;
}

/** A document or image by uploaded id or by link, never both. */
export function parseMedia(kind: 'document' | 'image', media: Json): MediaRef {
  const id = optionalText(media, 'id', `${kind}['id']`);
  const link = optionalText(media, 'link', `${kind}['link']`);
  if (!id === !link) throw new GraphError(100, `Param ${kind} must contain either id or link, not both.`);
  if (link && !/^https?:\/\/[^\s]+$/i.test(link)) throw new GraphError(100, `Param ${kind}['link'] must be a valid http(s) URL.`);
  const caption = optionalText(media, 'caption', `${kind}['caption']`);
  maxLength(caption, 1024, `${kind}['caption']`);
  const filename = kind === 'document' ? optionalText(media, 'filename', "document['filename']") : undefined;
  maxLength(filename, 240, "document['filename']");
  return { kind, ...(id ? { id } : { link }), ...(filename ? { filename } : {}), ...(caption ? { caption } : {}) };
}
