// Model.summary()'s table: every layer (nested layers indented) with its output shape and parameter count, and the
// totals of trainable and non-trainable parameters.
import type { Layer } from '../layers/layer.js';

/** The summary table of a model named name with input [N, ...inputShape]. */
export function summaryTable(name: string, inputShape: readonly number[], layers: readonly Layer[]): string {
  const rows: [string, string, string][] = [['Layer (type)', 'Output shape', 'Params']];
  let total = 0, trainable = 0;
  const walk = (l: Layer, indent: string) => {
    const own = l.params.reduce((a, p) => a + p.value.size, 0);
    rows.push([`${indent}${l.name} (${l.kind})`, `[N, ${l.outputShape.join(', ')}]`, String(own)]);
    for (const p of l.params) { total += p.value.size; if (p.trainable) trainable += p.value.size; }
    l.children().forEach((c) => walk(c, `${indent}  `));
  };
  layers.forEach((l) => walk(l, ''));
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padStart(w[2])}`;
  const rule = '─'.repeat(w[0] + w[1] + w[2] + 4);
  return [`Model "${name}", input [N, ${inputShape.join(', ')}]`, rule, line(rows[0]), rule, ...rows.slice(1).map(line), rule,
    `Total params: ${total} (trainable ${trainable}, non-trainable ${total - trainable})`].join('\n');
}
