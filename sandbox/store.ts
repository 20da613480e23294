// The sandbox's own state: what the emulated handsets received. It stands for an external provider,
// so it is kept apart from the app's database (which must never hold a code in clear); with a file it
// survives restarts of `npm start`, in tests it lives in memory.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface SandboxSms {
  id: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  statusCallback?: string;
  at: string;
}

interface Snapshot {
  sms: SandboxSms[];
}

export class SandboxStore {
  private state: Snapshot = { sms: [] };
  private listeners = new Set<(phone: string) => void>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) this.state = { sms: [], ...JSON.parse(readFileSync(file, 'utf8')) };
  }

  addSms(sms: SandboxSms): void {
    this.state.sms.push(sms);
    this.changed(sms.to);
  }

  smsFor(phone: string): SandboxSms[] {
    return this.state.sms.filter((m) => m.to === phone);
  }

  phones(): string[] {
    return [...new Set(this.state.sms.map((m) => m.to))];
  }

  /** live updates for the phone page */
  subscribe(listener: (phone: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(phone: string): void {
    if (this.file) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
      renameSync(`${this.file}.tmp`, this.file);
    }
    for (const listener of this.listeners) listener(phone);
  }
}
