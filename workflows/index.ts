// Entry point of the workflow bundle: every workflow type the worker serves.
export { verificationWorkflow } from './verification';
export { processWorkflow } from './process';
