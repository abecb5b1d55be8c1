// BullMQ and ioredis are optional peer dependencies: `npm i simdnet` does not install them, and --queue without them
// is one line naming the install command (other import failures pass through unchanged).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { BUILD } from '../helpers/setup.js';
import { queueModuleError, loadQueue } from '../../src/cli/worker-command.js';
import { UsageError } from '../../src/run/settings.js';

const test = suite(`optional queue packages (node) [${BUILD}]`);

test('package.json: bullmq and ioredis are optional peers (and dev dependencies for the tests), not dependencies', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  for (const name of ['bullmq', 'ioredis']) {
    assert.not.ok(name in (pkg.dependencies ?? {}), `${name} is not a dependency`);
    assert.ok(pkg.peerDependencies?.[name], `${name} is a peer`);
    assert.is(pkg.peerDependenciesMeta?.[name]?.optional, true);
    assert.ok(pkg.devDependencies?.[name], `${name} is a dev dependency`);
  }
});

test('a missing bullmq or ioredis becomes one usage line with the install command; other errors pass through', async () => {
  for (const name of ['bullmq', 'ioredis']) {
    const e = Object.assign(new Error(`Cannot find package '${name}' imported from /x/dist/sweep/queue.js`), { code: 'ERR_MODULE_NOT_FOUND' });
    const out = queueModuleError(e) as Error;
    assert.instance(out, UsageError);
    assert.match(out.message, new RegExp(`"${name}" is not installed\\): npm i bullmq ioredis$`));
  }
  const other = Object.assign(new Error("Cannot find module '/x/dist/sweep/trial.js'"), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.is(queueModuleError(other), other);
  const plain = new TypeError('boom');
  assert.is(queueModuleError(plain), plain);
  const m = await loadQueue(); // installed here (dev dependencies): the module loads
  assert.type(m.openQueue, 'function');
});

test.run();
