// The filesystem blob store: content addressing, write-once, atomic and concurrent puts, read-only files,
// hash validation (no path traversal) and integrity checks on every read, on real temporary directories.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobIntegrityError, BlobNotFound, InvalidBlobHash, isSha256Hex } from '../../custody/blob-store';
import { FileBlobStore } from '../../custody/file-blob-store';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every file under dir, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describe('file blob store', () => {
  let root: string;
  let store: FileBlobStore;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'testigo-blobs-'));
    store = new FileBlobStore(path.join(root, 'blobs'));
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('stores bytes under their SHA-256 at sha256/ab/cd/<hex>, read-only, and gives them back', async () => {
    const bytes = randomBytes(4096);
    const stored = await store.put(bytes);
    const hex = sha256(bytes);
    assert.deepEqual(stored, { sha256: hex, size: 4096 });
    const file = path.join(root, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
    assert.equal(store.pathOf(hex), file);
    assert.deepEqual(await fs.readFile(file), bytes);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o444);
    assert.equal(await store.has(hex), true);
    assert.deepEqual(Buffer.from(await store.get(hex)), bytes);
    assert.deepEqual(await filesUnder(root), [path.join('blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex)], 'no temp file left behind');
  });

  it('stores the empty blob and distinct contents side by side', async () => {
    const empty = await store.put(new Uint8Array(0));
    assert.deepEqual(empty, { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 0 });
    const a = await store.put(Buffer.from('a'));
    const b = await store.put(Buffer.from('b'));
    assert.notEqual(a.sha256, b.sha256);
    assert.equal(Buffer.from(await store.get(a.sha256)).toString(), 'a');
    assert.equal(Buffer.from(await store.get(b.sha256)).toString(), 'b');
    assert.equal((await store.get(empty.sha256)).byteLength, 0);
    assert.equal((await filesUnder(root)).length, 3);
  });

  it('a second put of the same bytes is a no-op: same answer, same file untouched', async () => {
    const bytes = randomBytes(1000);
    const first = await store.put(bytes);
    const before = await fs.stat(store.pathOf(first.sha256));
    const second = await store.put(Buffer.from(bytes));
    assert.deepEqual(second, first);
    const after = await fs.stat(store.pathOf(first.sha256));
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.equal((await filesUnder(root)).length, 1);
  });

  it('concurrent puts of the same bytes all succeed and leave exactly one intact file', async () => {
    const bytes = randomBytes(256 * 1024);
    const results = await Promise.all(Array.from({ length: 24 }, () => store.put(Buffer.from(bytes))));
    for (const result of results) assert.deepEqual(result, { sha256: sha256(bytes), size: bytes.length });
    assert.deepEqual(await filesUnder(root), [path.relative(root, store.pathOf(sha256(bytes)))]);
    assert.deepEqual(Buffer.from(await store.get(sha256(bytes))), bytes);
  });

  it('concurrent puts of different bytes sharing a directory prefix do not disturb each other', async () => {
    const blobs = Array.from({ length: 40 }, () => randomBytes(2048));
    const results = await Promise.all(blobs.map((bytes) => store.put(bytes)));
    for (const [i, result] of results.entries()) assert.deepEqual(Buffer.from(await store.get(result.sha256)), blobs[i]);
    assert.equal((await filesUnder(root)).length, 40);
  });

  it('get of an unknown hash throws BlobNotFound; has says false', async () => {
    const unknown = sha256(Buffer.from('never stored'));
    assert.equal(await store.has(unknown), false);
    await assert.rejects(store.get(unknown), (error: unknown) => {
      assert.ok(error instanceof BlobNotFound);
      assert.equal(error.code, 'blob_not_found');
      assert.equal(error.sha256, unknown);
      return true;
    });
  });

  it('refuses anything that is not 64 lowercase hex characters before touching the filesystem', async () => {
    // a real file outside the store that a traversal would reach
    await fs.writeFile(path.join(root, 'secret'), 'do not read');
    const valid = sha256(Buffer.from('x'));
    const bad = [
      valid.toUpperCase(),
      valid.slice(1),
      `${valid}0`,
      '../../secret',
      `../${'0'.repeat(61)}`,
      `${valid.slice(0, 63)}g`,
      `${valid.slice(0, 32)}/${valid.slice(33)}`,
      '',
      ` ${valid}`,
      `${valid}\n`,
    ];
    for (const hash of bad) {
      assert.equal(isSha256Hex(hash), false, JSON.stringify(hash));
      await assert.rejects(store.get(hash), InvalidBlobHash, JSON.stringify(hash));
      await assert.rejects(store.has(hash), InvalidBlobHash, JSON.stringify(hash));
      assert.throws(() => store.pathOf(hash), InvalidBlobHash);
    }
    assert.equal(isSha256Hex(valid), true);
  });

  it('get verifies the content: a blob altered on disk throws BlobIntegrityError naming both hashes', async () => {
    const bytes = Buffer.from('%PDF-1.7 original content');
    const { sha256: hex } = await store.put(bytes);
    const file = store.pathOf(hex);
    await fs.chmod(file, 0o644);
    const altered = Buffer.from('%PDF-1.7 0riginal content');
    await fs.writeFile(file, altered);
    await assert.rejects(store.get(hex), (error: unknown) => {
      assert.ok(error instanceof BlobIntegrityError);
      assert.equal(error.code, 'blob_integrity');
      assert.equal(error.sha256, hex);
      assert.equal(error.actualSha256, sha256(altered));
      return true;
    });
    // the damage is reported, not papered over: a new put of the original bytes does not overwrite the evidence
    await assert.rejects(store.put(bytes), BlobIntegrityError);
    assert.deepEqual(await fs.readFile(file), altered);
  });

  it('a truncated blob is an integrity error too, not a short read', async () => {
    const bytes = randomBytes(10_000);
    const { sha256: hex } = await store.put(bytes);
    await fs.chmod(store.pathOf(hex), 0o644);
    await fs.truncate(store.pathOf(hex), 5_000);
    await assert.rejects(store.get(hex), BlobIntegrityError);
  });
});
