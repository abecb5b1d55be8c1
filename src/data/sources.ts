// The named datasets' registry: names, classes, file names and where each downloadable file comes from, with its
// pinned size and SHA-256. Runtime-neutral data (no node: imports); the Node loaders in ./node.ts read it.

/** Every dataset data.load knows, in the order help texts list them. */
export const datasetNames = ['fashion-mnist', 'fashion-small', 'mnist', 'cifar10', 'digits', 'folder'] as const;
/** The names data.load() and the command line's --dataset accept. */
/** A name data.load knows: one of datasetNames. */
export type DatasetName = typeof datasetNames[number];

/** A file fetched from the dataset's source: its name there, its size in bytes and its SHA-256 (lowercase hex). */
export interface PinnedFile { name: string; size: number; sha256: string }

/** A downloadable dataset: the canonical base URL (files are `${base}/${name}`), its files, and where the pins come from. */
export interface Source { base: string; files: readonly PinnedFile[]; pinnedFrom: string }

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The four IDX files of MNIST and Fashion-MNIST (looked for gzipped or plain, in the dotted spelling too). */
export const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
/** CIFAR-10's binary batches, as cifar-10-binary.tar.gz holds them (under cifar-10-batches-bin/). */
export const CIFAR_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
/** The folder inside cifar-10-binary.tar.gz. */
export const CIFAR_FOLDER = 'cifar-10-batches-bin';

/** fashion-small: the first records of each split of Fashion-MNIST. */
export const FASHION_SMALL_SIZE = { train: 10000, test: 2000 };

/**
 * The canonical sources. Each pin is justified without downloading:
 * - fashion-mnist: Zalando's URLs from github.com/zalandoresearch/fashion-mnist's README. Sizes and SHA-256 from
 *   tensorflow/datasets, tensorflow_datasets/url_checksums/fashion_mnist.txt (those exact URLs), and checked here:
 *   Debian's dataset-fashion-mnist ships upstream's deflate streams with the gzip header normalised (no file name,
 *   another mtime); with upstream's header put back (FNAME = the file's name, mtime 1504176606 for the train files,
 *   1504176627 for t10k, XFL 0, OS 3) all four files give the README's MD5s (8d4fb7e6…, 25c81989…, bef4ecab…,
 *   bb300cfd…) and exactly these sizes and SHA-256 (test/data/download.node.test.ts rebuilds them the same way).
 * - mnist: the CVDF mirror TensorFlow Datasets downloads from (LeCun's site no longer serves the files openly); sizes
 *   and SHA-256 from tensorflow/datasets, tensorflow_datasets/url_checksums/mnist.txt.
 * - cifar10: Krizhevsky's binary version, cifar-10-binary.tar.gz (the format ./cifar.ts reads, no pickle); size and
 *   SHA-256 from tensorflow/datasets, tensorflow_datasets/url_checksums/cifar10.txt.
 */
export const SOURCES: Readonly<Record<'fashion-mnist' | 'mnist' | 'cifar10', Source>> = {
  'fashion-mnist': {
    base: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com',
    pinnedFrom: 'tensorflow/datasets url_checksums/fashion_mnist.txt (MD5s of github.com/zalandoresearch/fashion-mnist agree)',
    files: [
      { name: 'train-images-idx3-ubyte.gz', size: 26421880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
      { name: 'train-labels-idx1-ubyte.gz', size: 29515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
      { name: 't10k-images-idx3-ubyte.gz', size: 4422102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
      { name: 't10k-labels-idx1-ubyte.gz', size: 5148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
    ],
  },
  mnist: {
    base: 'https://storage.googleapis.com/cvdf-datasets/mnist',
    pinnedFrom: 'tensorflow/datasets url_checksums/mnist.txt',
    files: [
      { name: 'train-images-idx3-ubyte.gz', size: 9912422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
      { name: 'train-labels-idx1-ubyte.gz', size: 28881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
      { name: 't10k-images-idx3-ubyte.gz', size: 1648877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
      { name: 't10k-labels-idx1-ubyte.gz', size: 4542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
    ],
  },
  cifar10: {
    base: 'https://www.cs.toronto.edu/~kriz',
    pinnedFrom: 'tensorflow/datasets url_checksums/cifar10.txt',
    files: [{ name: 'cifar-10-binary.tar.gz', size: 170052171, sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd' }],
  },
};

/** Datasets a download can provide. */
export type Downloadable = keyof typeof SOURCES;
export const isDownloadable = (name: string): name is Downloadable => Object.hasOwn(SOURCES, name);
