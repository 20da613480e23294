// Root hooks: the shared dev server is stopped after the last test.
import { stopTestDevServer } from './support/dev-server';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestDevServer();
  },
};
