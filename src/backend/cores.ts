// How many kernel threads init({ threads: 'auto' }) starts: one per physical core this process may run on. The hardware
// threads of one core share its vector units, and the kernels keep them busy: two threads on one core's two hardware
// threads ran GEMM 512³ ×1.01 and the training steps ×0.92–0.99 of one thread (bench/threads.ts, 2026-12-06), so a
// second thread per core only adds synchronisation. Linux tells the cores apart (sysfs); elsewhere, or when it cannot
// be read, every logical CPU counts (browsers: navigator.hardwareConcurrency).

/** Reads a text file, or undefined when it cannot. */
export type ReadText = (path: string) => string | undefined;

/** The CPU numbers of a Linux CPU list such as "0-3,8,10-11", or undefined when it does not parse. */
export function cpuList(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65535) return undefined;
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out.length ? out : undefined;
}

/**
 * Physical cores among the CPUs this process may run on (Cpus_allowed_list in /proc/self/status), told apart by their
 * (physical_package_id, core_id) in sysfs; undefined when any of it cannot be read (not Linux, a sandbox).
 */
export function physicalCores(read: ReadText): number | undefined {
  const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(read('/proc/self/status') ?? '')?.[1];
  const cpus = allowed === undefined ? undefined : cpuList(allowed);
  if (!cpus) return undefined;
  const cores = new Set<string>();
  for (const c of cpus) {
    const dir = `/sys/devices/system/cpu/cpu${c}/topology/`;
    const pkg = read(`${dir}physical_package_id`)?.trim(), core = read(`${dir}core_id`)?.trim();
    if (pkg === undefined || core === undefined || !/^-?\d+$/.test(pkg) || !/^\d+$/.test(core)) return undefined;
    cores.add(`${pkg}/${core}`);
  }
  return cores.size;
}
