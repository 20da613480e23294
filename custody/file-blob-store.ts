// The filesystem BlobStore: <root>/sha256/ab/cd/<hex>, one read-only file per blob.
// Writes are atomic and never replace anything: the bytes go to a private temp file in the blob's own directory, are
// flushed, and are then hard-linked to the final name. link() fails with EEXIST instead of overwriting, so concurrent
// puts of the same bytes (or a retried activity) end with exactly one intact file, and no reader ever sees a partial
// blob. rename() would silently replace an existing blob, which is why it is not used.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { assertSha256Hex, BlobIntegrityError, BlobNotFound, type BlobStore, type StoredBlob } from './blob-store';

const READ_ONLY = 0o444;

export class FileBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  /** Where the blob named `sha256` lives (validated first: a hash never becomes an arbitrary path). */
  pathOf(sha256: string): string {
    assertSha256Hex(sha256);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<StoredBlob> {
    const sha256 = sha256Hex(bytes);
    const target = this.pathOf(sha256);
    const stored = { sha256, size: bytes.byteLength };
    if (await this.has(sha256)) return this.verifyExisting(stored);

    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', READ_ONLY);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.link(temp, target);
      } catch (error) {
        // another put of the same bytes won the race: keep its file, ours is the same content
        if (errorCode(error) !== 'EEXIST') throw error;
        return await this.verifyExisting(stored);
      }
      await syncDirectory(dir);
      return stored;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async get(sha256: string): Promise<Uint8Array> {
    const file = this.pathOf(sha256);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new BlobNotFound(sha256);
      throw error;
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new BlobIntegrityError(sha256, actual);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async delete(sha256: string): Promise<void> {
    const file = this.pathOf(sha256);
    await fs.rm(file, { force: true });
    await syncDirectory(path.dirname(file));
  }

  async has(sha256: string): Promise<boolean> {
    const file = this.pathOf(sha256);
    try {
      return (await fs.stat(file)).isFile();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  /** A put of bytes that are already stored answers as the first put did, unless the stored copy was damaged since. */
  private async verifyExisting(stored: StoredBlob): Promise<StoredBlob> {
    await this.get(stored.sha256);
    return stored;
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Makes the new directory entry durable; not every platform can open a directory, and that is not worth failing for. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort (e.g. Windows cannot fsync a directory)
  } finally {
    await handle?.close();
  }
}
