// Hooks mocha runs around the whole test run (`require` in .mocharc.json).
import nock from 'nock';

export const mochaHooks = {
  // nock intercepts every HTTP request of the process from the moment any test file imports it. The
  // tests that use it turn it on around themselves; every other test reaches its servers directly, as
  // the runner and real clients do (nock's pass-through pools no kept-alive connection).
  beforeAll(): void {
    if (nock.isActive()) nock.restore();
  },
};
