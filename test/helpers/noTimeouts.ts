/**
 * Mocha root hooks (hardhat.config.ts, test.mocha.rootHooks) that take wall-clock time out of
 * the suite: before anything runs, every suite, hook and test gets timeout 0 (none), and a later
 * `this.timeout(ms)` (in a describe body or inside a test) is ignored. A slow or loaded machine
 * then makes `npm test` slower, never red; a test that hangs is a bug to fix, not a time limit.
 */
interface Timed {
  timeout(ms?: number | string): unknown;
}
interface SuiteLike extends Timed {
  suites: SuiteLike[];
  tests: Timed[];
  hooks?: Timed[];
  _beforeAll: Timed[];
  _beforeEach: Timed[];
  _afterAll: Timed[];
  _afterEach: Timed[];
}

let patched = false;

function zeroTimeouts(suite: SuiteLike): void {
  suite.timeout(0);
  for (const hook of [
    ...suite._beforeAll,
    ...suite._beforeEach,
    ...suite._afterAll,
    ...suite._afterEach,
  ]) {
    hook.timeout(0);
  }
  for (const test of suite.tests) test.timeout(0);
  for (const child of suite.suites) zeroTimeouts(child);
}

export const noTimeoutsRootHooks = {
  beforeAll(this: { test?: { parent?: unknown } }) {
    const hook = this.test as object | undefined;
    if (hook === undefined) return;
    if (!patched) {
      // Hook extends Runnable: ignore every timeout set from now on.
      const runnable = Object.getPrototypeOf(Object.getPrototypeOf(hook)) as Timed;
      const original = runnable.timeout;
      runnable.timeout = function (this: Timed, ms?: number | string) {
        return ms === undefined ? original.call(this) : original.call(this, 0);
      };
      const suiteProto = Object.getPrototypeOf((hook as { parent: object }).parent) as Timed;
      const originalSuite = suiteProto.timeout;
      suiteProto.timeout = function (this: Timed, ms?: number | string) {
        return ms === undefined ? originalSuite.call(this) : originalSuite.call(this, 0);
      };
      patched = true;
    }
    let root = (hook as { parent: SuiteLike & { parent?: SuiteLike } }).parent;
    while (root.parent !== undefined) root = root.parent;
    zeroTimeouts(root);
  },
};
