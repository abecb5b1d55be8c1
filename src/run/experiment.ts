// Experiment objects, in any runtime: { name, description, base: { settings }, variants: [{ name, settings }, …] }.
// A variant's settings deep-merge over base's (objects key by key; a model's layers by layer name). Read strictly:
// every error names where the experiment came from and the key; each variant's name becomes a folder under the run's
// root, so it must be a plain, unique file name (no path out of --out, no variant over another). Files: src/cli/experiment.ts.
import { checkKeys, nearest, resolveConfig, UsageError, type TrainConfig } from './settings.js';
import { mergeSettings } from './merge.js';

export interface Variant { name: string; config: TrainConfig }
export interface Experiment { name?: string; description?: string; variants: Variant[] }

const KEYS = ['name', 'description', 'base', 'variants'];
// A name that can be one folder on every platform: letters, digits, '.', '_', '-', not starting with '.', ≤ 100 characters.
export const FOLDER_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown) => (Array.isArray(v) && v.length > 3 ? 'an array' : JSON.stringify(v));

/**
 * Checks an experiment object (`path` names it in errors: the file it came from); each variant's configuration is
 * base, then the variant's settings (`root`: the folder the variants' folders go in, for errors). Nothing is trained:
 * every variant is checked before the first one runs.
 */
export function readExperimentObject(path: string, e: unknown, root?: string): Experiment {
  const fail = (what: string): never => { throw new UsageError(`${path}: ${what}`); };
  if (!isObject(e)) return fail(`expected an object { "name", "base", "variants" }; got ${Array.isArray(e) ? 'an array' : JSON.stringify(e)}`);
  for (const k of Object.keys(e)) {
    if (KEYS.includes(k)) continue;
    const near = nearest(k, KEYS);
    fail(`unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${KEYS.join(', ')}`);
  }
  if (e.name !== undefined && typeof e.name !== 'string') fail(`"name" must be a string; got ${shown(e.name)}`);
  if (e.description !== undefined && typeof e.description !== 'string') fail(`"description" must be a string; got ${shown(e.description)}`);
  const name = e.name as string | undefined;
  if (name !== undefined && !FOLDER_NAME.test(name)) fail(`"name" ${JSON.stringify(name)} cannot name a folder (letters, digits, ".", "_", "-"; not starting with ".")`);
  if (e.base !== undefined && !isObject(e.base)) fail(`"base" must be an object of train settings; got ${shown(e.base)}`);
  const base = (e.base ?? {}) as Record<string, unknown>;
  if (!Array.isArray(e.variants) || e.variants.length === 0) fail(`"variants" must be a non-empty array of { "name": …, settings }; got ${shown(e.variants)}`);
  const setting = (where: string, o: Record<string, unknown>, f: () => TrainConfig): TrainConfig => {
    try {
      if ('out' in o) throw new UsageError('out does not apply in an experiment file: each variant writes to <root>/<variant name> (set the root with simdnet run --out DIR)');
      return f();
    } catch (err) {
      throw new UsageError(`${path}: ${where}: ${(err as Error).message}`);
    }
  };
  setting('base', base, () => { checkKeys(base); return resolveConfig(base, { from: 'file', applicable: false }); });
  const seen = new Map<string, number>();
  const variants = (e.variants as unknown[]).map((v, i): Variant => {
    if (!isObject(v)) fail(`variant ${i + 1} must be an object { "name": …, settings }; got ${shown(v)}`);
    const { name: vName, ...rest } = v as Record<string, unknown>;
    if (typeof vName !== 'string' || vName === '') fail(`variant ${i + 1} needs a "name" (its folder${root ? ` under ${root}` : ''})`);
    const n = vName as string;
    if (!FOLDER_NAME.test(n)) fail(`variant ${i + 1}: name ${JSON.stringify(n)} cannot name a folder (letters, digits, ".", "_", "-"; not starting with "."; at most 100)`);
    const twin = seen.get(n.toLowerCase());
    if (twin !== undefined) fail(`variants ${twin + 1} and ${i + 1} are both named "${n}" (each writes to its own folder: names must differ, also in case)`);
    seen.set(n.toLowerCase(), i);
    const config = setting(`variant "${n}"`, rest, () => resolveConfig(mergeSettings(base, rest), { from: 'file' }));
    return { name: n, config };
  });
  return { name, description: e.description as string | undefined, variants };
}
