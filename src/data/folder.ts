// data.imageFolder (Node-only): a folder of class sub-folders of PNG or JPEG images → labelled images, read through
// ./disk.ts (links followed, FIFOs and devices refused) and decoded one at a time.
import { extname, join } from 'node:path';
import { checkString } from './checks.js';
import { entries, kindOf, readRegular } from './disk.js';
import { checkImagesOptions, imagesWith, type ImageSet, type ImagesOptions } from './image.js';
import { decodeJpeg, isJpeg } from './jpeg.js';
import { decodePng, isPng } from './png.js';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/**
 * PNG and JPEG images in one sub-folder per class (class index = position of the sorted folder name). Symbolic links
 * are followed; hidden entries (.name) and plain files beside the class folders (a README) are ignored; anything else
 * (a sub-folder inside a class, a device, a FIFO, a broken link, a file that is not .png, .jpg or .jpeg) is refused by
 * name. Each file is decoded by its content (a .jpg holding a PNG is read as PNG). Node-only.
 */
export async function imageFolder(dir: string, options: ImagesOptions = {}): Promise<ImageSet & { classes: string[] }> {
  checkString('data.imageFolder', 'dir', dir, false);
  checkImagesOptions(options, 'data.imageFolder');
  const where = `data.imageFolder("${dir}")`;
  const top = await entries(dir, '', where);
  const odd = top.find((e) => !e.stats?.isDirectory() && !e.stats?.isFile());
  if (odd) throw new Error(`${where}: "${odd.name}" is ${kindOf(odd)}; expected one folder of PNG or JPEG images per class`);
  const classes = top.filter((e) => e.stats?.isDirectory()).map((e) => e.name).sort();
  if (classes.length === 0) throw new Error(`${where}: no class sub-folders (expected one folder of PNG or JPEG images per class)`);
  const files: { name: string; bytes: Uint8Array; label: number }[] = [];
  for (const [label, cls] of classes.entries()) {
    const inside = (await entries(join(dir, cls), `${cls}/`, where)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const bad = inside.find((e) => !e.stats?.isFile());
    if (bad) {
      const why = bad.stats?.isDirectory() ? 'class folders hold image files only; nested folders are not read (move its images up, or out)' : 'only regular image files are read';
      throw new Error(`${where}: "${cls}/${bad.name}" is ${kindOf(bad)}; ${why}`);
    }
    const other = inside.find((e) => !IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()));
    if (other) throw new Error(`${where}: "${cls}/${other.name}" is not a .png, .jpg or .jpeg file; only PNG and JPEG images are read (convert the others, or move them out)`);
    if (inside.length === 0) throw new Error(`${where}: class folder "${cls}" holds no PNG or JPEG images`);
    for (const e of inside) files.push({ name: `${cls}/${e.name}`, bytes: await readRegular(join(dir, cls, e.name), `${cls}/${e.name}`, where), label });
  }
  // By content; a .jpg/.jpeg that is neither is refused as a JPEG, anything else as a PNG.
  const jpeg = (f: { name: string; bytes: Uint8Array }): boolean => isJpeg(f.bytes) || (!isPng(f.bytes) && extname(f.name).toLowerCase() !== '.png');
  const set = await imagesWith(files, options, (f) => (jpeg(f) ? decodeJpeg(f.bytes, f.name) : decodePng(f.bytes, f.name)));
  return { ...set, classes };
}
