import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
import type { SmsSender } from '../providers/sms';

/** Everything activities need, injected by the worker (and by tests that build their own). */
export interface ActivityDeps {
  prisma: PrismaClient;
  keys: Keys;
  sms: SmsSender;
  publicBaseUrl: string;
}
