// The first k items in an order, without sorting them all: a page of ten out of
// fifteen thousand matches of a common word costs a pass with a small heap
// instead of a full sort (measured: the full sort was the largest part of such
// a query).

/** The k smallest items by `cmp`, sorted. `cmp` must be a total order (ties broken) for a stable answer. */
export function topK<T>(items: readonly T[], k: number, cmp: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  if (k >= items.length) return [...items].sort(cmp);
  // Max-heap of the k best so far: the root is the worst of them.
  const heap: T[] = [];
  const worse = (i: number, j: number): boolean => cmp(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (cmp(item, heap[0]!) < 0) {
      heap[0] = item;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < k && worse(l, top)) top = l;
        if (r < k && worse(r, top)) top = r;
        if (top === i) break;
        swap(i, top);
        i = top;
      }
    }
  }
  return heap.sort(cmp);
}
