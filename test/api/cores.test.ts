// src/backend/cores.ts: the CPU list parser and the physical-core count init({ threads: 'auto' }) starts threads for,
// over made-up /proc and /sys trees (hardware-thread siblings, two sockets, an affinity subset, unreadable or odd files).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuList, physicalCores, type ReadText } from '../../src/backend/cores.js';

const test = suite('cores');

/** A /proc + /sys reader over `allowed` and per-CPU [package, core] (missing CPUs: unreadable). */
function tree(allowed: string, topo: Record<number, [string, string]>): ReadText {
  return (path) => {
    if (path === '/proc/self/status') return `Name:\tnode\nCpus_allowed:\tff\nCpus_allowed_list:\t${allowed}\nMems_allowed:\t1\n`;
    const m = /^\/sys\/devices\/system\/cpu\/cpu(\d+)\/topology\/(physical_package_id|core_id)$/.exec(path);
    const t = m ? topo[Number(m[1])] : undefined;
    return t ? `${m![2] === 'core_id' ? t[1] : t[0]}\n` : undefined;
  };
}

test('cpuList reads ranges and single CPUs, and refuses what is not a list', () => {
  assert.equal(cpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
  assert.equal(cpuList('5'), [5]);
  for (const bad of ['', 'x', '3-1', '0-3,', '1,,2', '0-99999999']) assert.is(cpuList(bad), undefined, JSON.stringify(bad));
});

test('one thread per physical core: hardware-thread siblings count once, sockets apart, only the CPUs allowed', () => {
  // 4 cores × 2 hardware threads, Linux numbering (siblings n and n + 4)
  const smt: Record<number, [string, string]> = {};
  for (let c = 0; c < 8; c++) smt[c] = ['0', String(c % 4)];
  assert.is(physicalCores(tree('0-7', smt)), 4);
  assert.is(physicalCores(tree('0,4', smt)), 1);              // one core's two hardware threads
  assert.is(physicalCores(tree('0-1', smt)), 2);
  // two cores without SMT (this machine's virtual CPUs)
  assert.is(physicalCores(tree('0-1', { 0: ['0', '0'], 1: ['0', '1'] })), 2);
  // two sockets reuse core ids
  assert.is(physicalCores(tree('0-3', { 0: ['0', '0'], 1: ['0', '1'], 2: ['1', '0'], 3: ['1', '1'] })), 4);
});

test('anything unreadable or odd gives undefined (then every logical CPU counts)', () => {
  assert.is(physicalCores(() => undefined), undefined);
  assert.is(physicalCores(tree('0-1', { 0: ['0', '0'] })), undefined);          // cpu1 unreadable
  assert.is(physicalCores(tree('0-1', { 0: ['0', '0'], 1: ['0', 'x'] })), undefined);
  assert.is(physicalCores(tree('garbage', { 0: ['0', '0'] })), undefined);
  assert.is(physicalCores((p) => (p === '/proc/self/status' ? 'Name:\tnode\n' : undefined)), undefined);
});

test.run();
