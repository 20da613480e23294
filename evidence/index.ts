// The evidence core's public surface, for the API, the certificate and the command line.
export { EVIDENCE_VERSION, GENESIS } from './model';
export type {
  Evidence,
  EvidenceActor,
  EvidenceChannel,
  EvidenceDocument,
  EvidenceEvent,
  EvidenceEventType,
  HistoryFingerprint,
  UnchainedEvidenceEvent,
} from './model';
export { canonicalBytes } from './canonical';
export { chainEvents, eventHash, GENESIS_HASH, sha256Hex } from './chain';
export { buildEvidenceEvents, EvidenceBuildError, historyFingerprint } from './from-process';
export { buildEvidence, type EvidenceSource } from './build';
export { EVIDENCE_JWS_ALG, EVIDENCE_JWS_TYPE, issuerOf, jwks, jwkThumbprint, signEvidence } from './jws';
export type { EvidenceJwsHeader, EvidenceSigner, Jwks, PublicJwk } from './jws';
export { verifyEvidence, type Check, type CheckName, type VerificationResult, type VerifyOptions } from './verify';
