// Identifiers shaped like Meta's, so apps that store or log them meet realistic values.
import { randomBytes, randomInt } from 'node:crypto';

/**
 * wamid.<base64>: Meta encodes the customer's number and a random message key, so ids are long,
 * may end in `=` and can contain `+` or `/` (apps must not put them in a URL unencoded).
 */
export function newWamid(waId: string): string {
  const key = randomBytes(9).toString('hex').toUpperCase();
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId),
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
    Buffer.from(key),
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/** Media ids are 15–16 digit numbers. */
export function newMediaId(): string {
  return `${randomInt(1e7, 1e8)}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
}

export function newConversationId(): string {
  return randomBytes(16).toString('hex');
}
