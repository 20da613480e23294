// The sandbox's own state: what the emulated handsets received and sent, the media the emulated
// providers hold, and when each customer last wrote (the 24-hour window). It stands for external
// providers, so it is kept apart from the app's database (which must never hold a code in clear);
// with a file it survives restarts of `npm start` (media bytes in files beside it), in tests it
// lives in memory.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HandsetMessage, MediaMeta } from './whatsapp-model';

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
  whatsapp: HandsetMessage[];
  media: MediaMeta[];
  /** `${phoneNumberId}:${waId}` → when the customer last wrote to that business number */
  lastInbound: Record<string, string>;
}

const empty = (): Snapshot => ({ sms: [], whatsapp: [], media: [], lastInbound: {} });

export class SandboxStore {
  private state: Snapshot = empty();
  private readonly mediaBytes = new Map<string, Buffer>();
  private listeners = new Set<(phone: string) => void>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) this.state = { ...empty(), ...JSON.parse(readFileSync(file, 'utf8')) };
  }

  addSms(sms: SandboxSms): void {
    this.state.sms.push(sms);
    this.changed(sms.to);
  }

  smsFor(phone: string): SandboxSms[] {
    return this.state.sms.filter((m) => m.to === phone);
  }

  addWhatsApp(message: HandsetMessage): void {
    this.state.whatsapp.push(message);
    this.changed(message.phone);
  }

  updateWhatsApp(id: string, patch: Partial<Pick<HandsetMessage, 'status' | 'error' | 'document' | 'image'>>): HandsetMessage | undefined {
    const message = this.whatsappMessage(id);
    if (!message) return undefined;
    Object.assign(message, patch);
    this.changed(message.phone);
    return message;
  }

  whatsappMessage(id: string): HandsetMessage | undefined {
    return this.state.whatsapp.find((m) => m.id === id);
  }

  /** a handset's chat, oldest first */
  whatsappFor(phone: string): HandsetMessage[] {
    return this.state.whatsapp.filter((m) => m.phone === phone);
  }

  putMedia(meta: MediaMeta, bytes: Buffer): void {
    this.state.media.push(meta);
    this.mediaBytes.set(meta.id, bytes);
    if (this.file) {
      mkdirSync(this.mediaDir(), { recursive: true });
      writeFileSync(path.join(this.mediaDir(), meta.id), bytes);
    }
    this.persist();
  }

  media(id: string): { meta: MediaMeta; bytes: Buffer } | undefined {
    const meta = this.state.media.find((m) => m.id === id);
    if (!meta) return undefined;
    let bytes = this.mediaBytes.get(id);
    if (!bytes && this.file) this.mediaBytes.set(id, (bytes = readFileSync(path.join(this.mediaDir(), id))));
    return bytes && { meta, bytes };
  }

  deleteMedia(id: string): boolean {
    const before = this.state.media.length;
    this.state.media = this.state.media.filter((m) => m.id !== id);
    this.mediaBytes.delete(id);
    if (this.file) rmSync(path.join(this.mediaDir(), id), { force: true });
    this.persist();
    return this.state.media.length < before;
  }

  lastInbound(phoneNumberId: string, waId: string): string | undefined {
    return this.state.lastInbound[`${phoneNumberId}:${waId}`];
  }

  setLastInbound(phoneNumberId: string, waId: string, at: string): void {
    this.state.lastInbound[`${phoneNumberId}:${waId}`] = at;
    this.persist();
  }

  /** every handset with SMS or WhatsApp activity, in order of first appearance */
  phones(): string[] {
    return [...new Set([...this.state.sms.map((m) => m.to), ...this.state.whatsapp.map((m) => m.phone)])];
  }

  /** live updates for the phone page */
  subscribe(listener: (phone: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** tells the page a handset changed in a way the store does not keep (e.g. a typing indicator) */
  notify(phone: string): void {
    for (const listener of this.listeners) listener(phone);
  }

  private changed(phone: string): void {
    this.persist();
    this.notify(phone);
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
    renameSync(`${this.file}.tmp`, this.file);
  }

  private mediaDir(): string {
    return path.join(path.dirname(this.file!), 'media');
  }
}
