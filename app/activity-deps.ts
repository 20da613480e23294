// The worker's activity dependencies, from configuration: the one place where providers are chosen
// and addressed (the stack builds them for its worker; tests build them to call activities directly).
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { ActivityDeps } from '../activities';
import { FileBlobStore } from '../custody/file-blob-store';
import { DEFAULT_OTP_TEMPLATE } from '../domain/tenants';
import type { Config } from '../platform/config';
import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
import { TwilioSmsClient } from '../providers/twilio-sms';
import { CloudApiClient } from '../providers/whatsapp';
import { loadSealIdentity, type SealIdentity } from '../sealing';

export function buildActivityDeps(config: Config, prisma: PrismaClient, keys: Keys, temporal: Client, codec: PayloadCodec): ActivityDeps {
  let identity: Promise<SealIdentity> | undefined;
  return {
    prisma,
    keys,
    sms: new TwilioSmsClient({
      baseUrl: config.sms.twilioApiBaseUrl,
      accountSid: config.sms.twilioAccountSid,
      authToken: config.sms.twilioAuthToken,
      from: config.sms.twilioFrom,
    }),
    whatsapp: new CloudApiClient({
      baseUrl: config.whatsapp.apiBaseUrl,
      version: config.whatsapp.apiVersion,
      phoneNumberId: config.whatsapp.phoneNumberId,
      accessToken: config.whatsapp.accessToken ?? '',
      style: config.whatsapp.provider === '360dialog' ? '360dialog' : 'cloud',
      provider: config.whatsapp.provider,
    }),
    templates: { otpTemplate: DEFAULT_OTP_TEMPLATE },
    publicBaseUrl: config.publicBaseUrl,
    temporal,
    codec,
    blobs: new FileBlobStore(path.join(config.dataDir, 'blobs')),
    sealing: {
      // Loaded on first use and kept; a failed load is retried by the next sealing attempt.
      identity: () =>
        (identity ??= loadSealIdentity({ dataDir: config.dataDir, p12Path: config.seal.p12, p12Password: config.seal.p12Password }).catch((error) => {
          identity = undefined;
          throw error;
        })),
      tsaUrl: config.tsaUrl,
    },
  };
}
