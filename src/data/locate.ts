// Finds a named dataset's files (Node-only), in order: the folder given ({ dataDir } / --data DIR, which must hold
// them), the cache folder, Debian's package path (fashion-mnist), then a one-time download into the cache (cifar10's
// archive is unpacked there and removed). Errors name every place looked at and every way to provide the files.
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../io/files.js';
import { findIn } from './disk.js';
import { download } from './download.js';
import { cacheRoot, DEBIAN_FASHION_MNIST, fileUrl, howToProvide, systemData, wording, type Audience } from './places.js';
import { CIFAR_FILES, CIFAR_FOLDER, IDX_FILES, SOURCES, type Downloadable, type Source } from './sources.js';
import { untarGz } from './tar.js';

/** How to look: whose wording, whether to download, progress, and (tests only) other sources and pins. */
export interface Lookup {
  dataDir?: string;
  download?: boolean;
  quiet?: boolean;
  audience: Audience;
  /** Names the call in errors instead of the dataset's own wording (fashion-small is cut from fashion-mnist). */
  where?: string;
  /** Sub-folders of dataDir that may hold the files (default: the dataset's name). */
  folders?: readonly string[];
  sources?: Readonly<Record<Downloadable, Source>>;
  out?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

const filesOf = (name: Downloadable): string[] => (name === 'cifar10' ? CIFAR_FILES : IDX_FILES);
const describeFiles = (name: Downloadable): string => (name === 'cifar10'
  ? `CIFAR-10's binary batches (${CIFAR_FILES.join(', ')}, as cifar-10-binary.tar.gz unpacks them)`
  : `the four IDX files (${IDX_FILES.map((f) => `${f}.gz`).join(', ')}; plain files too)`);

// The folders a base folder may hold the files in.
function under(name: Downloadable, dir: string, folders: readonly string[] = [name]): string[] {
  if (name === 'cifar10') return [dir, join(dir, CIFAR_FOLDER), join(dir, 'cifar10'), join(dir, 'cifar10', CIFAR_FOLDER)];
  return [dir, ...folders.map((f) => join(dir, f))];
}

/** The dataset's files in the order of filesOf(name). */
export async function locate(name: Downloadable, l: Lookup): Promise<string[]> {
  const w = { ...wording(l.audience, name), ...(l.where ? { where: l.where } : {}) }, files = filesOf(name), how = howToProvide(name, l.audience, describeFiles(name));
  if (l.dataDir !== undefined) {
    const dirs = under(name, l.dataDir, l.folders);
    const found = await findIn(dirs, files);
    if (found) return found;
    throw new Error(`${w.where}: ${w.dataDir} is "${l.dataDir}", which does not hold ${describeFiles(name)} (looked in ${dirs.join(', ')}). ${how}`);
  }
  const cache = join(cacheRoot().dir, name);
  const cached = name === 'cifar10' ? [join(cache, CIFAR_FOLDER), cache] : [cache];
  let looked = `the cache folder ${cache}`;
  let found = await findIn(cached, files);
  if (found) return found;
  if (name === 'fashion-mnist') {
    if (systemData()) {
      found = await findIn([DEBIAN_FASHION_MNIST], files);
      if (found) return found;
      looked += ` nor in Debian's package path ${DEBIAN_FASHION_MNIST}`;
    } else {
      looked += ` (Debian's package path is not read: SIMDNET_SYSTEM_DATA=0)`;
    }
  }
  if (l.download === false) throw new Error(`${w.where}: not in ${looked}, and downloading is off ({ download: false }). ${how}`);
  try {
    await fetchInto(name, cache, l);
  } catch (e) {
    throw new Error(`${w.where}: not in ${looked}, and the download failed: ${(e as Error).message}. ${how}`);
  }
  found = await findIn(cached, files);
  if (!found) throw new Error(`${w.where}: downloaded into ${cache}, yet ${files.join(', ')} are not all there. ${how}`);
  return found;
}

const exists = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);

// Downloads the missing files into the cache folder; cifar10's archive is unpacked into cifar-10-batches-bin/.
async function fetchInto(name: Downloadable, cache: string, l: Lookup): Promise<void> {
  const source = (l.sources ?? SOURCES)[name];
  for (const pin of source.files) {
    const dest = join(cache, pin.name);
    if (!(await exists(dest))) await download(fileUrl(name, pin.name), pin, dest, { quiet: l.quiet, out: l.out });
  }
  if (name !== 'cifar10') return;
  const archive = join(cache, source.files[0].name);
  const batches = await untarGz(archive, CIFAR_FILES, `unpacking ${archive}`);
  const folder = join(cache, CIFAR_FOLDER);
  await mkdir(folder, { recursive: true });
  for (const [file, bytes] of batches) {
    await writeAtomic(join(folder, file), bytes).catch((e: Error) => {
      throw new Error(`unpacking ${archive}: cannot write ${join(folder, file)} (${e.message.replace(/^[^:]*: /, '')})`);
    });
  }
  await unlink(archive).catch(() => undefined);
}
