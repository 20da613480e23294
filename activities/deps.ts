import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { BlobStore } from '../custody/blob-store';
import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
import type { SmsSender } from '../providers/sms';
import type { WhatsAppSender } from '../providers/whatsapp';
import type { SealIdentity } from '../sealing';

/** Everything activities need, injected by the worker (and by tests that build their own). */
export interface ActivityDeps {
  prisma: PrismaClient;
  keys: Keys;
  sms: SmsSender;
  whatsapp: WhatsAppSender;
  /** WhatsApp template names (per-tenant overrides come with the tenant settings) */
  templates: { otpTemplate: string };
  publicBaseUrl: string;
  /** content-addressed custody: documents and their sealed copies */
  blobs: BlobStore;
  /** the seal identity (loaded once, lazily) and the TSA that makes seals B-T */
  sealing: { identity: () => Promise<SealIdentity>; tsaUrl?: string };
  /** reads a process's own history for custody (the evidence), decrypted with the payload codec */
  temporal: Client;
  codec: PayloadCodec;
}
