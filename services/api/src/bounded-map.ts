/**
 * Makes room for one more entry in a map used as a bounded cache: the oldest entries (a Map keeps
 * insertion order) go first, so a flood of distinct keys cannot grow memory without end.
 */
export function makeRoom<K, V>(map: Map<K, V>, max: number): void {
  while (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}
