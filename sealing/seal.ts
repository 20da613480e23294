// sealPdf(): PAdES baseline B-B, or B-T when a TSA is given, as an incremental update of the document.
import { createHash } from 'node:crypto';
import { buildCadesSignature } from './cms';
import type { SealIdentity } from './identity';
import { fillContents, type PreparedPdf, preparePdf, signedRanges } from './pdf-placeholder';
import { identitySigner, type SealSigner } from './signer';
import { requestTimestamp } from './tsa';

export interface SealOptions {
  /** the seal identity (its key signs), or any other signer */
  identity?: SealIdentity;
  signer?: SealSigner;
  /** shown by PDF readers; callers name the process, e.g. "Signed in process prc_…" */
  reason: string;
  location: string;
  name?: string;
  contactInfo?: string;
  /** set → PAdES B-T: an RFC 3161 token over the signature value from this TSA */
  tsaUrl?: string;
  /** the claimed signing time written to /M; defaults to now */
  now?: Date;
}

/** Room for the CMS besides the certificates and the token: attributes, signature, structure. */
const CMS_OVERHEAD = 2048;
/** Room for an RFC 3161 token with its TSA certificate chain. */
const TOKEN_ALLOWANCE = 12_288;

export async function sealPdf(pdf: Uint8Array, options: SealOptions): Promise<Uint8Array> {
  const signer = options.signer ?? (options.identity ? identitySigner(options.identity) : undefined);
  if (!signer) throw new Error('sealPdf needs an identity or a signer');
  const info = {
    reason: options.reason,
    location: options.location,
    name: options.name,
    contactInfo: options.contactInfo,
    signingTime: options.now ?? new Date(),
  };
  const timestamp = options.tsaUrl ? (digest: Uint8Array) => requestTimestamp(options.tsaUrl!, digest) : undefined;

  let capacity = CMS_OVERHEAD + [signer.certificate, ...signer.chain].reduce((sum, c) => sum + c.length, 0) + (timestamp ? TOKEN_ALLOWANCE : 0);
  // The placeholder's size must be fixed before the signature exists; if a TSA sends an unusually large token,
  // prepare again with the size now known (the retry costs one more signature and one more token).
  for (let attempt = 0; ; attempt++) {
    const prepared = await preparePdf(pdf, info, capacity);
    const der = await buildCadesSignature({ signer, documentDigest: digestOf(prepared), timestamp });
    if (der.length <= capacity) return fillContents(prepared, der);
    if (attempt > 0) throw new Error(`signature of ${der.length} bytes does not fit its placeholder`);
    capacity = der.length + 1024;
  }
}

function digestOf(prepared: PreparedPdf): Uint8Array {
  const hash = createHash('sha256');
  for (const range of signedRanges(prepared)) hash.update(range);
  return new Uint8Array(hash.digest());
}
