// `npm run templates -- register` submits the process's message templates to the WhatsApp Business
// Account; `npm run templates -- status` lists their review status (non-zero exit until every one is
// approved). Configuration as for the app: WHATSAPP_PROVIDER, WHATSAPP_API_BASE_URL,
// WHATSAPP_API_VERSION, WHATSAPP_WABA_ID, WHATSAPP_ACCESS_TOKEN (the sandbox by default, which
// must be running: `npm start`).
import { templatesCommand } from '../messaging/templates/command';
import { TEMPLATE_DEFINITIONS } from '../messaging/templates/definitions';
import { TemplateRegistry } from '../messaging/templates/registry';
import { ConfigError, loadConfig } from '../platform/config';

async function main(): Promise<number> {
  const { whatsapp } = loadConfig();
  // 360dialog manages templates through its own API (/v1/configs/templates), not Meta's.
  if (whatsapp.provider === '360dialog') throw new ConfigError('templates: with WHATSAPP_PROVIDER=360dialog, register the templates in the 360dialog hub');
  if (!whatsapp.wabaId) throw new ConfigError(`WHATSAPP_WABA_ID is required when WHATSAPP_PROVIDER=${whatsapp.provider}`);
  const registry = new TemplateRegistry({
    baseUrl: whatsapp.apiBaseUrl,
    version: whatsapp.apiVersion,
    wabaId: whatsapp.wabaId,
    accessToken: whatsapp.accessToken!,
  });
  return templatesCommand(process.argv[2], registry, TEMPLATE_DEFINITIONS, (line) => console.log(line));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error instanceof ConfigError ? error.message : `templates: ${error.message}`);
    process.exitCode = 1;
  },
);
