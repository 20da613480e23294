// Reading and writing the files the commands are given; a file that cannot be read is a usage error (exit 2).
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './args';

const reason = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
};

export function readInput(file: string, what: string, command: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${reason(error)}`, command);
  }
}

export function writeOutput(file: string, bytes: Uint8Array, command: string): void {
  try {
    writeFileSync(file, bytes);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${reason(error)}`, command);
  }
}
