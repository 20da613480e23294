// The customer, played through the sandbox's control API exactly as the phone page does: read the
// handset's chat and SMS, tap buttons, type text. Plus small builders for process requests.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { eventually, type TestStack } from './stack';

export interface HandsetMessage {
  id: string;
  from: 'business' | 'customer';
  type: string;
  text?: string;
  buttons?: Array<{ id: string; title: string; copyCode?: string }>;
  document?: { filename: string; sha256: string; url: string; caption?: string };
  at: string;
  status: string;
}

export class SandboxCustomer {
  constructor(
    /** a test stack, or anything that reaches the sandbox's control API the same way */
    private readonly t: Pick<TestStack, 'request'>,
    readonly phone: string,
  ) {}

  private get path() {
    return `/sandbox/api/phones/${encodeURIComponent(this.phone)}`;
  }

  async chat(): Promise<HandsetMessage[]> {
    const { status, body } = await this.t.request('GET', `${this.path}/messages`, { apiKey: null });
    if (status === 404) return [];
    if (status !== 200) throw new Error(`handset answered ${status}`);
    return body;
  }

  async sms(): Promise<Array<{ id: string; body: string; at: string }>> {
    const { status, body } = await this.t.request('GET', `${this.path}/sms`, { apiKey: null });
    return status === 200 ? body : [];
  }

  /** The first business message (after `after` messages) that `match` accepts, once it has arrived. */
  async waitFor(match: (m: HandsetMessage) => boolean, what: string, timeoutMs = 20_000): Promise<HandsetMessage> {
    return eventually(async () => (await this.chat()).find((m) => m.from === 'business' && match(m)), what, timeoutMs);
  }

  /** How many messages the handset shows now (pass it as `after` to look only at newer ones). */
  async mark(): Promise<number> {
    return (await this.chat()).length;
  }

  /**
   * Waits for a business message with a button titled `title` (the newest such, after `after` messages) to reach the
   * handset, then taps it. The chat lists a message from the provider's accept, but like a real phone the sandbox
   * takes taps only once it is delivered: tapping at `accepted` was a race a loaded CI run lost.
   */
  async tap(title: string | RegExp, { after = 0, timeoutMs = 20_000 }: { after?: number; timeoutMs?: number } = {}): Promise<HandsetMessage> {
    const matches = (b: { title: string }) => (typeof title === 'string' ? b.title === title : title.test(b.title));
    const message = await eventually(
      async () => {
        const newest = (await this.chat())
          .slice(after)
          .filter((m) => m.from === 'business' && m.buttons?.some(matches))
          .at(-1);
        return newest && newest.status !== 'accepted' ? newest : undefined;
      },
      `a button ${title} at the handset`,
      timeoutMs,
    );
    const button = message.buttons!.find(matches)!;
    await this.send({ buttonId: button.id, contextId: message.id });
    return message;
  }

  async type(text: string): Promise<void> {
    await this.send({ text });
  }

  async send(body: object): Promise<string> {
    const { status, body: answer } = await this.t.request('POST', `${this.path}/messages`, { body, apiKey: null });
    if (status !== 202) throw new Error(`the handset could not send (${status}): ${JSON.stringify(answer)}`);
    return answer.id;
  }

  /** The code of the newest SMS (after `previous` SMS). */
  async smsCode(previous = 0): Promise<string> {
    const sms = await eventually(async () => {
      const all = await this.sms();
      return all.length > previous ? all.at(-1) : undefined;
    }, 'an SMS with a code');
    return /\b(\d{4,10})\b/.exec(sms.body)![1];
  }

  /** The code of the newest WhatsApp authentication message (its copy-code button). */
  async whatsappCode(previous = 0): Promise<string> {
    const message = await eventually(async () => (await this.chat()).filter((m) => m.buttons?.some((b) => b.copyCode)).at(previous), 'a WhatsApp code');
    return message.buttons!.find((b) => b.copyCode)!.copyCode!;
  }
}

/** A real little PDF (pdf-lib), `pages` pages long. */
export async function samplePdf(title = 'Contrato de prueba', pages = 1): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) pdf.addPage([595, 842]).drawText(`${title} — página ${i}`, { x: 50, y: 780, size: 14, font });
  return Buffer.from(await pdf.save());
}

let phoneCounter = Math.floor(Math.random() * 1_000_000);
/** A fresh Spanish mobile number per test, so handsets never share history. */
export function newPhone(): string {
  phoneCounter = (phoneCounter + 1) % 10_000_000;
  return `+346${String(phoneCounter).padStart(8, '0')}`;
}

export async function processBody(overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  return {
    reference: `C-${Date.now()}`,
    customer: { phone: newPhone(), name: 'Ana García', locale: 'en', identification: { level: 'identified', reference: 'crm-889' } },
    optIn: { mode: 'whatsapp' },
    documents: [{ name: 'contract.pdf', contentBase64: (await samplePdf()).toString('base64') }],
    ...overrides,
  };
}
