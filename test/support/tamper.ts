// What a forger would do to a certificate or a sealed document, for tamper tests: flip a byte, strip or replace an
// attached file — either appended as a new revision (the seal still verifies over what it covered) or rewritten as a
// whole new file (the seal's signed bytes no longer exist as signed).
import { PDF } from '@libpdf/core';

/** A copy with one bit flipped at `at` (negative: from the end). */
export function flipByte(bytes: Uint8Array, at: number): Buffer {
  const copy = Buffer.from(bytes);
  const index = at < 0 ? copy.length + at : at;
  copy[index] ^= 0x01;
  return copy;
}

/** The offset of the first occurrence of `text` after `from`, so that a flip lands in a chosen place. */
export function offsetOf(bytes: Uint8Array, text: string, from = 0): number {
  const index = Buffer.from(bytes).indexOf(text, from, 'latin1');
  if (index < 0) throw new Error(`${text} is not in the file`);
  return index;
}

/** Removes an attachment; `incremental` appends the change as a revision, otherwise the file is rewritten. */
export async function stripAttachment(bytes: Uint8Array, name: string, { incremental }: { incremental: boolean }): Promise<Buffer> {
  const pdf = await PDF.load(new Uint8Array(bytes));
  if (!pdf.attachments.remove(name)) throw new Error(`no attachment ${name}`);
  return Buffer.from(await pdf.save({ incremental }));
}

/** Replaces an attachment's content, as a new revision. */
export async function replaceAttachment(bytes: Uint8Array, name: string, content: Uint8Array): Promise<Buffer> {
  const pdf = await PDF.load(new Uint8Array(bytes));
  pdf.attachments.remove(name);
  pdf.attachments.add(name, content);
  return Buffer.from(await pdf.save({ incremental: true }));
}
