// Every experiment file in experiments/ is valid: read by the same strict reader as `simdnet run`, each variant
// resolves to a training configuration writing to its own folder under the experiment's root.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BUILD } from '../helpers/setup.js';
import { readExperiment } from '../../src/cli/experiment.js';
import { readSweepFile } from '../../src/sweep/run.js';

const test = suite(`experiment files (node) [${BUILD}]`);
const dir = fileURLToPath(new URL('../../experiments/', import.meta.url));

test('each variant of each experiments/*.json resolves', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('sweep-'));
  assert.ok(files.length >= 5, files.join(', '));
  for (const f of files) {
    const e = readExperiment(join(dir, f));
    assert.ok(e.name && e.variants.length > 0, f);
    assert.is(e.root, join('runs', e.name));
    for (const { name, config } of e.variants) {
      assert.ok(config.epochs >= 1, `${f} ${name}`);
      assert.is(config.out, join('runs', e.name, name));
    }
  }
});

test('each sweep file (experiments/sweep-*.json) is read by the sweep reader', () => {
  const files = readdirSync(dir).filter((f) => f.startsWith('sweep-') && f.endsWith('.json'));
  assert.ok(files.length >= 1, files.join(', '));
  for (const f of files) {
    const c = readSweepFile(join(dir, f));
    assert.is(c.name, f.replace(/\.json$/, ''));
    assert.ok(c.space.keys.length > 0 && (c.budget.trials ?? 0) >= 30, `${f}: ${c.space.keys.length} keys, ${c.budget.trials} trials`);
  }
});

test.run();
