// data.imageFolder (Node-only): a folder of class sub-folders of PNG or JPEG images → labelled images, read through
// ./disk.ts (links followed, FIFOs and devices refused) and decoded one at a time.
import { extname, join } from 'node:path';
import { checkString } from './checks.js';
import { entries, kindOf, readRegular } from './disk.js';
import { checkImagesOptions, imagesWith, type ImageFile, type ImageSet, type ImagesOptions } from './image.js';
import { interleave } from './interleave.js';
import { decodeJpeg, isJpeg } from './jpeg.js';
import { decodePng, isPng, type DecodedImage } from './png.js';

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
  const { files, classes } = await listImageFolder(dir, `data.imageFolder("${dir}")`);
  const set = await imagesWith(files, options, decodeImage);
  return { ...set, classes };
}

/** The image files of a class-per-folder tree, read (not decoded), in class then name order, with the class names. */
export async function listImageFolder(dir: string, where: string): Promise<{ files: ImageFile[]; classes: string[] }> {
  const top = await entries(dir, '', where);
  const odd = top.find((e) => !e.stats?.isDirectory() && !e.stats?.isFile());
  if (odd) throw new Error(`${where}: "${odd.name}" is ${kindOf(odd)}; expected one folder of PNG or JPEG images per class`);
  const classes = top.filter((e) => e.stats?.isDirectory()).map((e) => e.name).sort();
  if (classes.length === 0) throw new Error(`${where}: no class sub-folders (expected one folder of PNG or JPEG images per class)`);
  const files: ImageFile[] = [];
  for (const [label, cls] of classes.entries()) {
    const inside = (await entries(join(dir, cls), `${cls}/`, where)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const bad = inside.find((e) => !e.stats?.isFile());
    if (bad) {
      const why = bad.stats?.isDirectory() ? 'class folders hold PNG and JPEG files only; nested folders are not read (move its images up, or out)' : 'only regular PNG and JPEG files are read';
      throw new Error(`${where}: "${cls}/${bad.name}" is ${kindOf(bad)}; ${why}`);
    }
    const other = inside.find((e) => !IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()));
    if (other) throw new Error(`${where}: "${cls}/${other.name}" is not a .png, .jpg or .jpeg file; only PNG and JPEG images are read (convert the others, or move them out)`);
    if (inside.length === 0) throw new Error(`${where}: class folder "${cls}" holds no PNG or JPEG images`);
    for (const e of inside) files.push({ name: `${cls}/${e.name}`, bytes: await readRegular(join(dir, cls, e.name), `${cls}/${e.name}`, where), label });
  }
  return { files, classes };
}

/** A PNG or JPEG by its content; a .jpg/.jpeg that is neither is refused as a JPEG, anything else as a PNG. */
export function decodeImage(f: ImageFile): Promise<DecodedImage> {
  const jpeg = isJpeg(f.bytes) || (!isPng(f.bytes) && extname(f.name).toLowerCase() !== '.png');
  return jpeg ? decodeJpeg(f.bytes, f.name) : decodePng(f.bytes, f.name);
}

/** The `folder` dataset's layout, for errors. */
export const FOLDER_LAYOUT = 'one sub-folder of PNG or JPEG images per class, or train/ and test/ each holding such sub-folders';

/**
 * The `folder` dataset's two splits, unscaled: dir/train and dir/test when both exist (the same class folders), else
 * dir's class folders with the last 20% (rounded) of each class's files by name as the test split; each split's
 * classes interleaved (./interleave.ts). Every image is resized to the first training image's size; grey (1 channel)
 * when that image is grey, else RGB.
 */
export async function folderSplits(dir: string, where: string): Promise<{ train: ImageSet; test: ImageSet; classes: string[]; channels: 1 | 3 }> {
  const top = await entries(dir, '', where);
  const isDir = (n: string): boolean => top.some((e) => e.name === n && e.stats?.isDirectory());
  let train: ImageFile[], test: ImageFile[], classes: string[];
  if (isDir('train') && isDir('test')) {
    const a = await listImageFolder(join(dir, 'train'), where), b = await listImageFolder(join(dir, 'test'), where);
    if (a.classes.join('/') !== b.classes.join('/')) {
      throw new Error(`${where}: train/ has the classes ${a.classes.join(', ')} but test/ has ${b.classes.join(', ')}; both need the same class folders`);
    }
    classes = a.classes;
    const split = (files: ImageFile[], part: string): ImageFile[] =>
      interleave(classes.map((_, label) => files.filter((f) => f.label === label).map((f) => ({ ...f, name: `${part}/${f.name}` }))));
    train = split(a.files, 'train');
    test = split(b.files, 'test');
  } else {
    const all = await listImageFolder(dir, where);
    classes = all.classes;
    const byClass = classes.map((_, label) => all.files.filter((f) => f.label === label));
    train = interleave(byClass.map((mine) => mine.slice(0, mine.length - Math.round(mine.length * 0.2))));
    test = interleave(byClass.map((mine) => mine.slice(mine.length - Math.round(mine.length * 0.2))));
    if (test.length === 0) throw new Error(`${where}: too few images for a test split (20% of each class rounds to none): add images, or give train/ and test/ folders`);
  }
  const first = await decodeImage(train[0]);
  const options = { size: [first.height, first.width] as [number, number], channels: (first.channels <= 2 ? 1 : 3) as 1 | 3, scale: false };
  const trainSet = await imagesWith(train, options, decodeImage);
  try {
    return { train: trainSet, test: await imagesWith(test, options, decodeImage), classes, channels: options.channels };
  } catch (e) {
    trainSet.x.dispose(); trainSet.y.dispose();
    throw e;
  }
}
