// Every experiment file in experiments/ is valid: read by the same strict reader as `simdnet run`, each variant
// resolves to a training configuration writing to its own folder under the experiment's root.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BUILD } from '../helpers/setup.js';
import { readExperiment } from '../../src/cli/experiment.js';

const test = suite(`experiment files (node) [${BUILD}]`);
const dir = fileURLToPath(new URL('../../experiments/', import.meta.url));

test('each variant of each experiments/*.json resolves', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4, files.join(', '));
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

test.run();
