// One Temporal dev server for the whole test run, started through the same provisioning code as
// `npm start` (in memory, random ports, headless).
import { startDevServer, type DevServer } from '../../platform/dev-server';

let server: Promise<DevServer> | undefined;

export function testDevServer(): Promise<DevServer> {
  server ??= startDevServer({ uiPort: false, log: (line) => console.error(line) });
  return server;
}

export async function stopTestDevServer(): Promise<void> {
  if (server) await (await server).stop();
  server = undefined;
}
