// Reads a PKCS#12 (.p12/.pfx) file: the seal's private key and its certificate chain. pkijs does the parsing,
// the MAC check and the decryption (PBES2, which is what `openssl pkcs12 -export` writes since OpenSSL 3).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiEngine } from './crypto-engine';
import { OID } from './oids';

export interface P12Contents {
  privateKey: KeyObject;
  /** DER certificates in file order */
  certificates: Uint8Array[];
}

export class P12Error extends Error {}

export async function readP12(bytes: Uint8Array, password: string): Promise<P12Contents> {
  const crypto = pkiEngine();
  const pwd = new TextEncoder().encode(password).buffer as ArrayBuffer;
  let pfx: pkijs.PFX;
  try {
    pfx = pkijs.PFX.fromBER(toArrayBuffer(bytes));
  } catch (err) {
    throw new P12Error(`not a PKCS#12 file (${(err as Error).message})`);
  }
  try {
    await pfx.parseInternalValues({ password: pwd, checkIntegrity: true }, crypto);
  } catch (err) {
    throw new P12Error(`PKCS#12 integrity check failed: wrong password or damaged file (${(err as Error).message})`);
  }
  const authSafe = pfx.parsedValue?.authenticatedSafe;
  if (!authSafe) throw new P12Error('PKCS#12 file has no authenticated safe');
  try {
    await authSafe.parseInternalValues({ safeContents: authSafe.safeContents.map(() => ({ password: pwd })) }, crypto);
  } catch (err) {
    // pkijs decrypts PBES2 only: RC2/3DES files (`openssl pkcs12 -legacy`, old Windows exports) land here.
    throw new P12Error(`cannot decrypt the PKCS#12 contents (${(err as Error).message}); re-export it with AES (openssl pkcs12 -export without -legacy)`);
  }

  const keys: pkijs.PrivateKeyInfo[] = [];
  const certificates: Uint8Array[] = [];
  for (const safe of authSafe.parsedValue.safeContents as { value: pkijs.SafeContents }[]) {
    for (const bag of safe.value.safeBags) {
      if (bag.bagId === OID.pkcs8ShroudedKeyBag) {
        // What PKCS8ShroudedKeyBag.parseInternalValues does (it is protected in pkijs' typings).
        const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
        const encrypted = new pkijs.EncryptedData({
          encryptedContentInfo: new pkijs.EncryptedContentInfo({
            contentEncryptionAlgorithm: shrouded.encryptionAlgorithm,
            encryptedContent: shrouded.encryptedData,
          }),
        });
        keys.push(pkijs.PrivateKeyInfo.fromBER(await encrypted.decrypt({ password: pwd }, crypto)));
      } else if (bag.bagId === OID.keyBag) {
        keys.push(bag.bagValue as pkijs.PrivateKeyInfo);
      } else if (bag.bagId === OID.certBag) {
        const certBag = bag.bagValue as pkijs.CertBag;
        if (certBag.certId !== OID.x509Certificate) continue;
        const cert = certBag.parsedValue instanceof pkijs.Certificate ? certBag.parsedValue : undefined;
        const der = cert ? cert.toSchema().toBER(false) : (certBag.certValue as asn1js.OctetString).valueBlock.valueHexView.slice().buffer;
        certificates.push(new Uint8Array(der));
      }
    }
  }
  if (keys.length !== 1) throw new P12Error(`PKCS#12 file must hold exactly one private key, found ${keys.length}`);
  if (certificates.length === 0) throw new P12Error('PKCS#12 file holds no certificate');
  const privateKey = createPrivateKey({ key: Buffer.from(keys[0].toSchema().toBER(false)), format: 'der', type: 'pkcs8' });
  return { privateKey, certificates };
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
