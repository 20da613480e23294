// The sandbox's server-sent events (/sandbox/api/events: `data: {"phone": …}` whenever a handset
// changes), read on their own socket, so the benchmark can timestamp the moment something reaches a
// handset without polling. Each event is timestamped (performance.now()) when its bytes arrive.
import http from 'node:http';

interface Waiter {
  phone: string;
  resolve: (at: number) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class SandboxEvents {
  private request?: http.ClientRequest;
  private response?: http.IncomingMessage;
  private buffer = '';
  private waiters = new Set<Waiter>();
  private closed = false;

  private constructor(private readonly url: URL) {}

  /** Opens the stream; resolves once the sandbox has said `: connected`. */
  static async open(url: string, timeoutMs = 10_000): Promise<SandboxEvents> {
    const events = new SandboxEvents(new URL(url));
    await events.connect(timeoutMs);
    return events;
  }

  private connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SSE stream from ${this.url.href} within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
        this.failAll(error);
      };
      // agent: false — a socket of its own, outside the measured keep-alive pool
      this.request = http.get(
        { host: this.url.hostname, port: this.url.port, path: this.url.pathname, agent: false, headers: { accept: 'text/event-stream' } },
        (res) => {
          this.response = res;
          if (res.statusCode !== 200) return fail(new Error(`SSE answered ${res.statusCode}`));
          res.setEncoding('utf8');
          let connected = false;
          res.on('data', (chunk: string) => {
            const at = performance.now();
            this.buffer += chunk;
            if (!connected && this.buffer.includes(': connected')) {
              connected = true;
              clearTimeout(timer);
              resolve();
            }
            this.dispatch(at);
          });
          res.on('error', fail);
          res.on('close', () => {
            if (!this.closed) this.failAll(new Error('the SSE stream closed'));
          });
        },
      );
      this.request.on('error', fail);
    });
  }

  private dispatch(at: number): void {
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        let phone: string | undefined;
        try {
          phone = (JSON.parse(line.slice(5)) as { phone?: string }).phone;
        } catch {
          continue;
        }
        for (const waiter of this.waiters) {
          if (waiter.phone !== phone) continue;
          this.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          waiter.resolve(at);
        }
      }
    }
  }

  /**
   * The arrival time (performance.now()) of the first event for `phone` from now on. Arm it before
   * causing the event: anything that arrived earlier does not count.
   */
  next(phone: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        phone,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no sandbox event for ${phone} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }

  close(): void {
    this.closed = true;
    this.failAll(new Error('closed'));
    this.response?.destroy();
    this.request?.destroy();
  }
}
