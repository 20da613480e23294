// `npm run api`: the HTTP API alone (production entry point, configured by environment only).
import { runEntryPoint } from './entry-point';

await runEntryPoint('api', { api: true });
