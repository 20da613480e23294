// Captures everything the stacks under test log, so tests can prove what never appears in logs.
import { Writable } from 'node:stream';

export const capturedLogs: string[] = [];

export function captureStream(): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      capturedLogs.push(chunk.toString());
      // A slow shutdown phase is worth seeing in CI's output even without TEST_LOGS.
      if (process.env.TEST_LOGS || chunk.toString().includes('"msg":"stopping: ')) process.stderr.write(chunk);
      done();
    },
  });
}
