// The lab's datasets, decoded in this tab and handed to the workers as plain arrays (DatasetArrays of simdnet/sweep):
// fashion-small (the repository's embedded IDX files), a dropped folder of PNG/JPEG images (one sub-folder per class, or
// train/ and test/ each holding them, split as the CLI's `folder` dataset), IDX files or CSV files. Nothing leaves the machine.
import { init } from '../../dist/entry-browser.js';
import { idx, csv, decodePng } from '../../dist/data/index.js';
import { imagesWith } from '../../dist/data/image.js';
import { interleave } from '../../dist/data/interleave.js';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const IMAGE = /\.(png|jpe?g)$/i;

/** Copies tensors x [N, …] and labels [N] out of wasm memory and frees them. */
function arraysOf(x, y) {
  try {
    return { x: x.toFloat32Array(), labels: y.toInt32Array() };
  } finally { x.dispose(); y.dispose(); }
}

/** fashion-small: the first 10,000 training and 2,000 test images of Fashion-MNIST, served from data/fashion-small/. */
export async function fashionSmall(base = new URL('../../data/fashion-small/', import.meta.url)) {
  await init();
  const get = async (name, options) => {
    const res = await fetch(new URL(name, base));
    if (!res.ok) throw new Error(`fetching ${res.url} failed (HTTP ${res.status})`);
    return idx(new Uint8Array(await res.arrayBuffer()), { name, ...options });
  };
  const [x, y, xt, yt] = await Promise.all([
    get('train-images-idx3-ubyte.gz', { scale: true }), get('train-labels-idx1-ubyte.gz'),
    get('t10k-images-idx3-ubyte.gz', { scale: true }), get('t10k-labels-idx1-ubyte.gz'),
  ]);
  const inputShape = x.shape.slice(1);
  return { name: 'fashion-small', classes: FASHION, inputShape, train: arraysOf(x, y), test: arraysOf(xt, yt) };
}

/** Decodes one image: PNG with simdnet's decoder (the same pixels as Node), JPEG with the browser's (createImageBitmap). */
async function decodeImage(f) {
  const png = f.bytes[0] === 0x89 && f.bytes[1] === 0x50;
  if (png || /\.png$/i.test(f.name)) return decodePng(f.bytes, f.name);
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([f.bytes], { type: 'image/jpeg' }));
  } catch {
    throw new Error(`"${f.name}" is not a readable PNG or JPEG image`);
  }
  const c = new OffscreenCanvas(bitmap.width, bitmap.height), g = c.getContext('2d');
  g.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width: c.width, height: c.height, channels: 4, data: new Uint8Array(g.getImageData(0, 0, c.width, c.height).data.buffer) };
}

/**
 * A folder of images as the CLI's `folder` dataset reads it: `files` are [path inside the folder, File] pairs.
 * train/ and test/ with the same class folders, else class folders with the last 20% of each class (by name) as test;
 * every image resized to the first training image's size, grey when that image is grey, scaled to [0, 1].
 */
export async function imageFolder(files, where = 'the image folder') {
  const parts = files.map(([p, file]) => [p.split('/').filter(Boolean), file]).filter(([s]) => !s.some((x) => x.startsWith('.')));
  // A folder dropped or picked whole arrives with its own name first: strip it when every path shares it.
  const rootName = parts[0]?.[0][0];
  const shared = parts.length && parts.every(([s]) => s.length > 1 && s[0] === rootName);
  const rel = parts.map(([s, file]) => [shared ? s.slice(1) : s, file]).filter(([s]) => s.length > 1); // plain files beside the folders are ignored
  const tops = [...new Set(rel.map(([s]) => s[0]))];
  const list = (prefix, entries) => {
    const inside = entries.filter(([s]) => !prefix || s[0] === prefix).map(([s, file]) => [prefix ? s.slice(1) : s, file]);
    const deep = inside.find(([s]) => s.length !== 2);
    if (deep) throw new Error(`${where}: "${[prefix, ...deep[0]].filter(Boolean).join('/')}": class folders hold PNG and JPEG files only; nested folders are not read`);
    const odd = inside.find(([s]) => !IMAGE.test(s[1]));
    if (odd) throw new Error(`${where}: "${[prefix, ...odd[0]].filter(Boolean).join('/')}" is not a .png, .jpg or .jpeg file; only PNG and JPEG images are read`);
    const classes = [...new Set(inside.map(([s]) => s[0]))].sort();
    if (classes.length < 2) throw new Error(`${where}: ${classes.length} class folder${classes.length ? '' : 's'}${prefix ? ` in ${prefix}/` : ''}; expected one sub-folder of PNG or JPEG images per class (at least 2)`);
    const byClass = classes.map((c, label) => inside.filter(([s]) => s[0] === c).sort((a, b) => (a[0][1] < b[0][1] ? -1 : 1))
      .map(([s, file]) => ({ name: [prefix, ...s].filter(Boolean).join('/'), file, label })));
    return { classes, byClass };
  };
  let train, test, classes;
  if (tops.includes('train') && tops.includes('test')) {
    const a = list('train', rel), b = list('test', rel);
    if (a.classes.join('/') !== b.classes.join('/')) throw new Error(`${where}: train/ has the classes ${a.classes.join(', ')} but test/ has ${b.classes.join(', ')}; both need the same class folders`);
    ({ classes } = a);
    train = interleave(a.byClass); test = interleave(b.byClass);
  } else {
    const all = list('', rel);
    ({ classes } = all);
    train = interleave(all.byClass.map((m) => m.slice(0, m.length - Math.round(m.length * 0.2))));
    test = interleave(all.byClass.map((m) => m.slice(m.length - Math.round(m.length * 0.2))));
    if (test.length === 0) throw new Error(`${where}: too few images for a test split (20% of each class rounds to none): add images, or give train/ and test/ folders`);
  }
  await init();
  const read = async (items) => Promise.all(items.map(async (f) => ({ name: f.name, label: f.label, bytes: new Uint8Array(await f.file.arrayBuffer()) })));
  const [tr, te] = [await read(train), await read(test)];
  const first = await decodeImage(tr[0]);
  const options = { size: [first.height, first.width], channels: first.channels <= 2 ? 1 : 3, scale: true };
  const a = await imagesWith(tr, options, decodeImage);
  let b;
  try { b = await imagesWith(te, options, decodeImage); } catch (e) { a.x.dispose(); a.y.dispose(); throw e; }
  return { name: 'folder', classes, inputShape: a.x.shape.slice(1), train: arraysOf(a.x, a.y), test: arraysOf(b.x, b.y) };
}

/** The last 20% of a split's samples as its test split (for IDX or CSV files given without a test file). */
function holdOut(d) {
  const n = d.train.labels.length, cut = n - Math.round(n * 0.2), per = d.train.x.length / n;
  if (cut < 1 || cut === n) throw new Error(`${d.name}: ${n} samples are too few to hold out 20% as a test split; give a test file`);
  const { x, labels } = d.train;
  return { ...d, train: { x: x.slice(0, cut * per), labels: labels.slice(0, cut) }, test: { x: x.slice(cut * per), labels: labels.slice(cut) } };
}

const classNames = (k) => Array.from({ length: k }, (_, i) => String(i));
const maxLabel = (...ls) => Math.max(...ls.map((l) => l.reduce((a, b) => Math.max(a, b), 0)));

/** IDX files (File objects, .gz or not): images and labels, for train and optionally test (names with "t10k" or "test"). */
export async function idxFiles(files) {
  await init();
  const read = [];
  try {
    for (const f of files) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let t; // images scaled to [0, 1]; a labels file refuses scale, and is read as it is
      try { t = await idx(bytes, { name: f.name, scale: true }); } catch (e) { if (!/integer labels/.test(e.message)) throw e; t = await idx(bytes, { name: f.name }); }
      read.push({ f, t, role: `${/t10k|test/i.test(f.name) ? 'test' : 'train'}-${t.shape.length === 1 ? 'labels' : 'images'}` });
    }
    const by = {};
    for (const r of read) {
      if (by[r.role]) throw new Error(`IDX files: both "${by[r.role].f.name}" and "${r.f.name}" look like ${r.role.replace('-', ' ')} (test files have "test" or "t10k" in their names)`);
      by[r.role] = r;
    }
    for (const k of ['train-images', 'train-labels']) if (!by[k]) throw new Error(`IDX files: no ${k.replace('-', ' ')} file among ${files.map((f) => f.name).join(', ')}`);
    if (!!by['test-images'] !== !!by['test-labels']) throw new Error('IDX files: give both test images and test labels, or neither (then 20% of the training samples are held out)');
    var inputShape = by['train-images'].t.shape.slice(1);
    var train = arraysOf(by['train-images'].t, by['train-labels'].t);
    var test = by['test-images'] ? arraysOf(by['test-images'].t, by['test-labels'].t) : undefined;
  } finally {
    for (const r of read) r.t.dispose(); // twice is harmless
  }
  const k = maxLabel(train.labels, ...(test ? [test.labels] : [])) + 1;
  const d = { name: 'idx files', classes: classNames(k), inputShape, train, test };
  return test ? d : holdOut(d);
}

/** CSV files (the label in the last column, a header line when the first line is not numbers): train and optionally test. */
export async function csvFiles(files) {
  await init();
  const parse = async (f) => {
    const text = await f.text();
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
    const header = first.split(',').some((v) => v.trim() !== '' && !Number.isFinite(Number(v)));
    const d = csv(text, { name: f.name, header });
    return arraysOf(d.x, d.y);
  };
  const testFile = files.length > 1 ? files.find((f) => /test/i.test(f.name)) ?? files[1] : undefined;
  const trainFile = files.find((f) => f !== testFile);
  const train = await parse(trainFile), test = testFile ? await parse(testFile) : undefined;
  const width = train.x.length / train.labels.length;
  if (test && test.x.length / test.labels.length !== width) throw new Error(`CSV files: "${trainFile.name}" has ${width} features but "${testFile.name}" has ${test.x.length / test.labels.length}`);
  const d = { name: 'csv files', classes: classNames(maxLabel(train.labels, ...(test ? [test.labels] : [])) + 1), inputShape: [width], train, test };
  return test ? d : holdOut(d);
}

/** The [path, File] pairs of a drop: folders walked (webkitGetAsEntry), plain files kept with their names. */
export async function droppedFiles(dataTransfer) {
  const out = [];
  const walk = async (entry, path) => {
    if (entry.isFile) { out.push([path + entry.name, await new Promise((ok, fail) => entry.file(ok, fail))]); return; }
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) break;
      for (const e of batch) await walk(e, `${path}${entry.name}/`);
    }
  };
  const entries = [...dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  for (const e of entries) await walk(e, '');
  return out;
}
