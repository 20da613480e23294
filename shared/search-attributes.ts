// Search attributes the app writes (registered on the dev server by `npm start` and the tests, and on
// an existing cluster by the worker at start). Search attributes are NOT encrypted by the payload
// codec: they must never carry a code, a key or a full phone number.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TENANT = defineSearchAttributeKey('TestigoTenant', SearchAttributeType.KEYWORD);
export const STATUS = defineSearchAttributeKey('TestigoStatus', SearchAttributeType.KEYWORD);
/** masked, e.g. +34******222 */
export const PHONE = defineSearchAttributeKey('TestigoPhone', SearchAttributeType.KEYWORD);
export const CHANNEL = defineSearchAttributeKey('TestigoChannel', SearchAttributeType.KEYWORD);
/** the business's own reference of a signing process (e.g. C-2026-0042): operators find a process by it */
export const REFERENCE = defineSearchAttributeKey('TestigoReference', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [TENANT, STATUS, PHONE, CHANNEL, REFERENCE] as const;
