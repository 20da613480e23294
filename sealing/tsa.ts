// RFC 3161 client: asks a Time-Stamping Authority for a token over a SHA-256 digest. The answer is trusted only
// after checking what we asked for came back: a granted status, our message imprint and our nonce.
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids';
import { toArrayBuffer } from './p12';

export class TimestampError extends Error {}

export interface TimestampOptions {
  /** default 15 s */
  timeoutMs?: number;
}

const STATUS_TEXT: Record<number, string> = { 2: 'rejection', 3: 'waiting', 4: 'revocationWarning', 5: 'revocationNotification' };

/** Returns the TimeStampToken (a CMS ContentInfo, DER) exactly as the TSA sent it. */
export async function requestTimestamp(tsaUrl: string, digest: Uint8Array, options: TimestampOptions = {}): Promise<Uint8Array> {
  if (digest.length !== 32) throw new TimestampError(`expected a SHA-256 digest (32 bytes), got ${digest.length}`);
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f; // a positive INTEGER
  nonce[0] |= 0x01; // without a leading zero byte, so it compares byte for byte
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });

  let body: Uint8Array;
  try {
    const response = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: Buffer.from(request.toSchema().toBER(false)),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (!response.ok) throw new TimestampError(`TSA ${origin(tsaUrl)} answered HTTP ${response.status}`);
    body = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    if (err instanceof TimestampError) throw err;
    throw new TimestampError(`TSA ${origin(tsaUrl)} unreachable: ${(err as Error).message}`);
  }
  return checkResponse(body, digest, nonce, origin(tsaUrl));
}

function checkResponse(body: Uint8Array, digest: Uint8Array, nonce: Uint8Array, tsa: string): Uint8Array {
  const asn = asn1js.fromBER(toArrayBuffer(body));
  let response: pkijs.TimeStampResp;
  try {
    if (asn.offset === -1) throw new Error(asn.result.error);
    response = new pkijs.TimeStampResp({ schema: asn.result });
  } catch (err) {
    throw new TimestampError(`TSA ${tsa} sent something that is not a TimeStampResp (${(err as Error).message})`);
  }
  const status = response.status.status;
  if (status !== 0 && status !== 1) {
    const text = response.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new TimestampError(`TSA ${tsa} refused the request: status ${status} (${STATUS_TEXT[status] ?? 'unknown'})${text ? `: ${text}` : ''}`);
  }
  if (!response.timeStampToken) throw new TimestampError(`TSA ${tsa} granted the request but sent no token`);

  let info: pkijs.TSTInfo;
  try {
    const signed = new pkijs.SignedData({ schema: response.timeStampToken.content });
    const eContent = signed.encapContentInfo.eContent;
    if (signed.encapContentInfo.eContentType !== OID.tstInfo || !eContent) throw new Error('not a TSTInfo');
    info = pkijs.TSTInfo.fromBER(eContent.getValue());
  } catch (err) {
    throw new TimestampError(`TSA ${tsa} sent a malformed token (${(err as Error).message})`);
  }
  const imprint = info.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== OID.sha256 || !Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(digest)) {
    throw new TimestampError(`TSA ${tsa} time-stamped something else (message imprint mismatch)`);
  }
  if (!info.nonce || !Buffer.from(info.nonce.valueBlock.valueHexView).equals(nonce)) throw new TimestampError(`TSA ${tsa} answered with another nonce`);

  // The token's own bytes, not a re-encoding: its signature must stay verifiable as the TSA produced it.
  const tokenAsn = (asn.result as asn1js.Sequence).valueBlock.value[1];
  return new Uint8Array(tokenAsn.valueBeforeDecodeView);
}

/** Only scheme, host and port go into errors: a TSA URL may carry credentials in its path or query. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
