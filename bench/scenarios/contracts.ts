// Contract processes completed per minute and the reaction to a button tap, beside a bare workflow of the same
// shape (bench/contracts.ts, bench/bare-contract.ts). A failure is reported as the phase's, not the run's.
import { benchContracts, formatContracts } from '../contracts';
import { log, type Harness, type Scenario } from '../harness';

/** --quick: one of everything, two at a time */
const QUICK = { warmup: 1, rounds: 1, sequentialPerBlock: 1, concurrency: 2, concurrentPerBlock: 2, reactionProcesses: 1 };

export const contracts: Scenario = {
  name: 'contracts',
  summary: 'signing processes completed per minute and tap → next message, vs a bare workflow of the same shape',
  async run(h: Harness) {
    const { stack, http, devServer } = await h.stack();
    const result = await benchContracts({ stack, http, temporalAddress: devServer.address, log }, h.quick ? QUICK : {}).catch((error: Error) => error);
    return {
      section: formatContracts(result),
      json: { contracts: result instanceof Error ? { unavailable: result.message } : result },
    };
  },
};
