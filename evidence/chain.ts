// The hash chain over the evidence events: each event's `hash` is the SHA-256 of its own RFC 8785 bytes
// (without `hash`, with `seq` and `prevHash`), and `prevHash` is the previous event's `hash`. Editing,
// reordering, inserting or deleting an event breaks the chain from that event on; the JWS then vouches
// for the whole document, head included. Builder and verifier both hash here, so they cannot disagree.
import { createHash } from 'node:crypto';
import { canonicalBytes } from './canonical';
import { GENESIS, type EvidenceEvent, type UnchainedEvidenceEvent } from './model';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * `prevHash` of the first event. The SHA-256 of a fixed, versioned string rather than 64 zeros: the same
 * length and alphabet as every other link, and a chain of another scheme or version cannot pass for ours.
 */
export const GENESIS_HASH = sha256Hex(GENESIS);

/** The hash an event must carry: over its canonical bytes without `hash`. */
export function eventHash(event: Omit<EvidenceEvent, 'hash'> | EvidenceEvent): string {
  const { hash: _hash, ...rest } = event as EvidenceEvent;
  return sha256Hex(canonicalBytes(rest));
}

/** Gives ordered events their place in the chain: seq 1..n, prevHash, hash. */
export function chainEvents(events: readonly UnchainedEvidenceEvent[]): EvidenceEvent[] {
  const chained: EvidenceEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const linked = { ...event, seq: index + 1, prevHash } as Omit<EvidenceEvent, 'hash'>;
    const hash = eventHash(linked);
    chained.push({ ...linked, hash } as EvidenceEvent);
    prevHash = hash;
  }
  return chained;
}
