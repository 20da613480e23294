// Content-addressed, write-once storage for documents and sealed files. A blob is named by the SHA-256 of its bytes,
// so a name can never point at other content: readers verify it, and writers can never replace a blob. Callers keep
// only the hash (in the database and in workflow payloads), never the bytes.

export interface StoredBlob {
  /** lowercase hex SHA-256 of the bytes: the blob's name */
  sha256: string;
  size: number;
}

export interface BlobStore {
  /** Stores the bytes under their SHA-256. Storing bytes that are already there is a no-op with the same answer. */
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /** The bytes named by `sha256`, verified against it. Throws BlobNotFound or BlobIntegrityError. */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
  /**
   * Removes the blob (no-op when absent). Only the retention purge calls it, for blobs no remaining record names:
   * nothing in the API deletes from custody.
   */
  delete(sha256: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True for a SHA-256 in the only spelling the store accepts: 64 lowercase hex characters. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** The hash is not 64 lowercase hex characters (it will never name a blob, and must never become a path). */
export class InvalidBlobHash extends Error {
  readonly code = 'invalid_blob_hash';
  constructor(readonly sha256: string) {
    super('not a SHA-256 (64 lowercase hex characters)');
    this.name = 'InvalidBlobHash';
  }
}

export class BlobNotFound extends Error {
  readonly code = 'blob_not_found';
  constructor(readonly sha256: string) {
    super(`no blob ${sha256}`);
    this.name = 'BlobNotFound';
  }
}

/** What is stored under a hash no longer has that hash: the file was altered or damaged after it was written. */
export class BlobIntegrityError extends Error {
  readonly code = 'blob_integrity';
  constructor(
    readonly sha256: string,
    readonly actualSha256: string,
  ) {
    super(`blob ${sha256} is damaged: its content hashes to ${actualSha256}`);
    this.name = 'BlobIntegrityError';
  }
}

export function assertSha256Hex(sha256: string): void {
  if (!isSha256Hex(sha256)) throw new InvalidBlobHash(sha256);
}
