// A workflow's durable history, exported for custody: every event, with each payload decrypted through
// the codec and decoded to the value the workflow saw, as RFC 8785 canonical JSON with its SHA-256.
// Temporal keeps closed workflows only for the namespace's retention (24 h on the dev server), so this
// export — not Temporal — is where the record lives afterwards.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import canonicalize from 'canonicalize';

export interface ExportedHistory {
  workflowId: string;
  runId: string;
  eventCount: number;
  /** SHA-256 (hex) of `bytes` */
  sha256: string;
  /** canonical JSON: `{ workflowId, runId, events: [...] }` */
  bytes: Uint8Array;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export async function exportHistory(client: Client, workflowId: string, codec: PayloadCodec): Promise<ExportedHistory> {
  const handle = client.workflow.getHandle(workflowId);
  const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
  // proto3-JSON-like plain object: longs and enums as strings, bytes as base64
  const plain = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, {
    longs: String,
    enums: String,
    bytes: String,
  }) as { events?: Json[] };
  const events = await decodePayloads((plain.events ?? []) as Json, codec);
  const document = { workflowId, runId: description.runId, events };
  const bytes = Buffer.from(canonicalize(document) ?? 'null');
  return { workflowId, runId: description.runId, eventCount: (plain.events ?? []).length, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** A Temporal Payload in plain form: `{ metadata: { encoding: <base64> , … }, data?: <base64> }`. */
function isPayload(value: Json): value is { metadata: Record<string, string>; data?: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const metadata = value.metadata;
  return !!metadata && typeof metadata === 'object' && !Array.isArray(metadata) && typeof metadata[METADATA_ENCODING_KEY] === 'string';
}

async function decodePayloads(value: Json, codec: PayloadCodec): Promise<Json> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => decodePayloads(v, codec)));
  if (!value || typeof value !== 'object') return value;
  if (isPayload(value)) return decodePayload(value, codec);
  const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await decodePayloads(v, codec)] as const));
  return Object.fromEntries(entries);
}

/** Decrypted and decoded: `{ encoding, value }` for JSON payloads, `{ encoding, base64 }` for anything else. */
async function decodePayload(payload: { metadata: Record<string, string>; data?: string }, codec: PayloadCodec): Promise<Json> {
  const [decoded] = await codec.decode([
    {
      metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: payload.data !== undefined ? Buffer.from(payload.data, 'base64') : undefined,
    },
  ]);
  const encoding = Buffer.from(decoded.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array()).toString();
  const data = decoded.data ? Buffer.from(decoded.data) : Buffer.alloc(0);
  if (encoding === 'json/plain') return { encoding, value: JSON.parse(data.toString('utf8')) as Json };
  if (encoding === 'binary/null') return { encoding, value: null };
  return { encoding, base64: data.toString('base64') };
}
