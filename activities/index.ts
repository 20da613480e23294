// The activity factory: the worker injects its dependencies (database, keys, providers, config),
// workflows import only the resulting *type*.
import type { ActivityDeps } from './deps';
import { createCallbackActivities } from './callbacks';
import { createEvidenceActivities } from './evidence';
import { createMessagingActivities } from './messaging';
import { createOtpActivities } from './otp';
import { createProcessActivities } from './process';
import { createVerificationActivities } from './verification';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createOtpActivities(deps),
    ...createVerificationActivities(deps),
    ...createCallbackActivities(deps),
    ...createMessagingActivities(deps),
    ...createProcessActivities(deps),
    ...createEvidenceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
