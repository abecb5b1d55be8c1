// init options read strictly (unknown keys, a non-boolean relaxed, relaxed with module or bytes), backendInfo() for
// the build under test, and the relaxed-SIMD probe agreeing with the engine on the relaxed build itself.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD, wasmBytes } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { init, backendInfo } from '../../src/index.js';
import { relaxedSimdSupported } from '../../src/backend/init-options.js';

await ready();
const test = suite(`init options [${BUILD}]`);

test('an unknown key is refused naming it and the nearest option', async () => {
  assert.match(await rejection(init({ relaxd: true } as never)), /init: unknown option "relaxd"; did you mean "relaxed"\?/);
  assert.match(await rejection(init({ threds: 2 } as never)), /init: unknown option "threds"/);
});

test('options that are not an object are refused', async () => {
  assert.match(await rejection(init(null as never)), /init: options must be an object \{ module, bytes, relaxed, threads \}, got null/);
  assert.match(await rejection(init(3 as never)), /init: options must be an object/);
});

test('relaxed must be a boolean, and picks a build of its own (not with module or bytes)', async () => {
  assert.match(await rejection(init({ relaxed: 'yes' } as never)), /init: relaxed must be true or false, got "yes" \(a string\)/);
  assert.match(await rejection(init({ relaxed: 1 } as never)), /init: relaxed must be true or false, got 1/);
  assert.match(await rejection(init({ relaxed: true, bytes: wasmBytes('release') })), /cannot be combined with module or bytes/);
});

test('after init, further calls with valid options change nothing', async () => {
  const before = backendInfo();
  await init({ relaxed: !(BUILD === 'relaxed') });
  await init({});
  assert.is(backendInfo(), before);
});

test(`backendInfo() names the ${BUILD} build under test and why`, () => {
  const info = backendInfo();
  // The setup passes the release and debug builds as bytes; the relaxed build comes from init({ relaxed: true }).
  assert.is(info.build, BUILD === 'relaxed' ? 'relaxed' : 'given');
  assert.type(info.reason, 'string');
  assert.ok(info.reason.length > 0);
});

test('the relaxed-SIMD probe agrees with the engine on the relaxed build; the standard build needs no relaxed SIMD', () => {
  assert.is(relaxedSimdSupported(), WebAssembly.validate(wasmBytes('relaxed')));
  assert.ok(WebAssembly.validate(wasmBytes('release')));
  if (BUILD === 'relaxed') assert.ok(relaxedSimdSupported());
});

test.run();
