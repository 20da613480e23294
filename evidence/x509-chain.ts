// One certificate-path rule for everything this deployment signs (the evidence JWS's x5c, the PAdES seals):
// each certificate is issued and signed by the next, all were valid at the time that matters, and the path ends
// at the trusted CA when one is given. Node's X509Certificate does the cryptography; no network, no clock.
import { X509Certificate } from 'node:crypto';

export interface PathOutcome {
  ok: boolean;
  detail: string;
}

/** Node prints a distinguished name one RDN a line; we write it on one line everywhere. */
export const oneLine = (subject: string) => subject.split('\n').join(', ');

/**
 * `chain` starts with the end-entity certificate. `at` is when it had to be valid (ms since the epoch): the evidence's
 * issue time, or a seal's signing time.
 */
export function checkCertificatePath(chain: X509Certificate[], at: number, trustedCaPem: string | undefined, when: string): PathOutcome {
  if (chain.length === 0) return { ok: false, detail: 'no certificates' };
  if (!Number.isFinite(at)) return { ok: false, detail: `${when} is not a time` };
  const validAt = (c: X509Certificate) => Date.parse(c.validFrom) <= at && at <= Date.parse(c.validTo);
  for (const [index, certificate] of chain.entries()) {
    if (!validAt(certificate)) return { ok: false, detail: `certificate ${index + 1} (${oneLine(certificate.subject)}) was not valid at ${when}` };
    const next = chain[index + 1];
    if (next && !(certificate.checkIssued(next) && certificate.verify(next.publicKey))) {
      return { ok: false, detail: `certificate ${index + 1} is not issued by certificate ${index + 2}` };
    }
  }
  const subject = oneLine(chain[0].subject);
  if (trustedCaPem === undefined) return { ok: true, detail: `${subject}: ${chain.length} certificates, consistent; not anchored (no trusted CA given)` };
  const ca = new X509Certificate(trustedCaPem);
  const top = chain[chain.length - 1];
  const anchored = top.fingerprint256 === ca.fingerprint256 || (top.checkIssued(ca) && top.verify(ca.publicKey));
  if (!anchored) return { ok: false, detail: `the chain does not end at the trusted CA (${oneLine(ca.subject)})` };
  if (!validAt(ca)) return { ok: false, detail: `the trusted CA was not valid at ${when}` };
  return { ok: true, detail: `${subject} chains to ${oneLine(ca.subject)}` };
}

/** The leaf, then its issuer, and so on, from `pool` in whatever order it came, up to a self-signed one or the last found. */
export function issuerPath(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const path = [leaf];
  for (;;) {
    const current = path[path.length - 1];
    if (current.checkIssued(current) && current.verify(current.publicKey)) return path;
    const issuer = pool.find((c) => !path.some((p) => p.fingerprint256 === c.fingerprint256) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) return path;
    path.push(issuer);
  }
}
