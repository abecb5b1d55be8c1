// Where named datasets are looked for (Node-only): the cache folder ($SIMDNET_DATA, else the platform's cache
// directory), Debian's package path (unless SIMDNET_SYSTEM_DATA=0), the download base ($SIMDNET_MIRROR, else the
// dataset's canonical source), and how errors name the ways to provide a dataset to a library caller or a CLI user.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { SOURCES, type Downloadable } from './sources.js';

/** Where Debian's dataset-fashion-mnist puts the four gzipped IDX files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/** The cache folder and what chose it (for messages). */
export function cacheRoot(env: Readonly<Record<string, string | undefined>> = process.env, platform: string = process.platform): { dir: string; from: string } {
  const own = env.SIMDNET_DATA;
  if (own) return { dir: resolve(own), from: 'SIMDNET_DATA' };
  const home = homedir();
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
    return { dir: join(local, 'simdnet', 'Cache'), from: 'the platform cache folder; SIMDNET_DATA overrides it' };
  }
  if (platform === 'darwin') return { dir: join(home, 'Library', 'Caches', 'simdnet'), from: 'the platform cache folder; SIMDNET_DATA overrides it' };
  const xdg = env.XDG_CACHE_HOME;
  return { dir: join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'simdnet'), from: 'the platform cache folder; SIMDNET_DATA overrides it' };
}

/** Whether Debian's package path is looked at: SIMDNET_SYSTEM_DATA=0 turns it off (tests do); 1 or unset leave it on. */
export function systemData(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const v = env.SIMDNET_SYSTEM_DATA;
  if (v === undefined || v === '' || v === '1') return true;
  if (v === '0') return false;
  throw new Error(`SIMDNET_SYSTEM_DATA must be 0 (do not read Debian's dataset packages) or 1, got ${JSON.stringify(v)}`);
}

/** The URL a dataset file is fetched from: `${SIMDNET_MIRROR}/${dataset}/${file}`, else the canonical source. */
export function fileUrl(name: Downloadable, file: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const mirror = env.SIMDNET_MIRROR;
  if (mirror === undefined || mirror === '') return `${SOURCES[name].base}/${file}`;
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    throw new Error(`SIMDNET_MIRROR must be an http:// or https:// base URL, got ${JSON.stringify(mirror)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`SIMDNET_MIRROR must be an http:// or https:// base URL, got ${JSON.stringify(mirror)}`);
  return `${mirror.replace(/\/+$/, '')}/${name}/${file}`;
}

/** Who is told what to do: a library caller ({ dataDir }) or a command-line user (--data DIR). */
export type Audience = 'library' | 'cli';

/** How errors name the call and the folder option for each audience. */
export function wording(audience: Audience, name: string): { where: string; dataDir: string } {
  return audience === 'cli'
    ? { where: `--dataset ${name}`, dataDir: '--data DIR' }
    : { where: `data.load('${name}')`, dataDir: '{ dataDir }' };
}

/** The ways to provide a dataset, in lookup order, as one sentence for errors. */
export function howToProvide(name: Downloadable, audience: Audience, files: string): string {
  const w = wording(audience, name), cache = cacheRoot();
  const parts = [
    `give ${w.dataDir}, a folder holding ${files}`,
    `or put them in the cache folder ${join(cache.dir, name)} (${cache.from})`,
  ];
  if (name === 'fashion-mnist') parts.push(`or install Debian's package (\`sudo apt-get install dataset-fashion-mnist\`, files in ${DEBIAN_FASHION_MNIST})`);
  parts.push(`or let simdnet download them once from ${SOURCES[name].base} into the cache (SIMDNET_MIRROR=<base URL> fetches <base>/${name}/<file> instead)`);
  return `To provide ${name}: ${parts.join(', ')}.`;
}
