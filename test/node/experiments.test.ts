// Every experiment file in experiments/ is valid: each variant resolves to a training configuration.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BUILD } from '../helpers/setup.js';
import { resolveConfig } from '../../src/cli/settings.js';

const test = suite(`experiment files (node) [${BUILD}]`);
const dir = fileURLToPath(new URL('../../experiments/', import.meta.url));

test('each variant of each experiments/*.json resolves', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4, files.join(', '));
  for (const f of files) {
    const e = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name: string; base: Record<string, unknown>; variants: { name: string }[] };
    assert.ok(e.name && e.variants.length > 0, f);
    for (const { name, ...v } of e.variants) {
      const c = resolveConfig({ ...e.base, ...v });
      assert.ok(c.epochs >= 1, `${f} ${name}`);
    }
  }
});

test.run();
