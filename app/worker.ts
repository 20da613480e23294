// `npm run worker`: a Temporal worker alone (production entry point, configured by environment only).
import { runEntryPoint } from './entry-point';

await runEntryPoint('worker', { worker: true });
