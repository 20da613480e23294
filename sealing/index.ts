// Sealing: PAdES seals of documents with the seal identity (see README "Sealing").
export { sealPdf, type SealOptions } from './seal';
export { loadSealIdentity, SealIdentityError, DEV_SEAL_FILES, type SealIdentity, type LoadSealIdentityOptions } from './identity';
export { identitySigner, type SealSigner } from './signer';
export { requestTimestamp, TimestampError, type TimestampOptions } from './tsa';
export { PdfSealError } from './pdf-placeholder';
export { P12Error } from './p12';
