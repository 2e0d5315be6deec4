/**
 * Ordinals grouped by a key (a status), each group kept sorted, so that a list page costs
 * O(page × groups + log n) instead of a scan of the whole workspace.
 */
export class OrderedIndex<K extends string> {
  private readonly groups = new Map<K, number[]>();

  add(key: K, ordinal: number): void {
    const group = this.group(key);
    if (group.length === 0 || group[group.length - 1] < ordinal) {
      group.push(ordinal);
      return;
    }
    const at = lowerBound(group, ordinal);
    if (group[at] !== ordinal) group.splice(at, 0, ordinal);
  }

  remove(key: K, ordinal: number): void {
    const group = this.groups.get(key);
    if (!group) return;
    const at = lowerBound(group, ordinal);
    if (group[at] === ordinal) group.splice(at, 1);
  }

  move(from: K, to: K, ordinal: number): void {
    if (from === to) return;
    this.remove(from, ordinal);
    this.add(to, ordinal);
  }

  count(key: K): number {
    return this.groups.get(key)?.length ?? 0;
  }

  clear(): void {
    this.groups.clear();
  }

  /**
   * Ordinals of the given groups merged in order, strictly after `after` (ascending) or strictly
   * before `before` (descending). Either bound may be omitted to start from the corresponding end.
   */
  *ascending(keys: readonly K[], after = -1): Generator<number> {
    const lists = keys.map((key) => this.groups.get(key) ?? []);
    const positions = lists.map((list) => upperBound(list, after));
    for (;;) {
      let best = -1;
      for (let i = 0; i < lists.length; i += 1) {
        if (positions[i] < lists[i].length && (best < 0 || lists[i][positions[i]] < lists[best][positions[best]])) {
          best = i;
        }
      }
      if (best < 0) return;
      const ordinal = lists[best][positions[best]];
      positions[best] += 1;
      yield ordinal;
    }
  }

  *descending(keys: readonly K[], before = Number.MAX_SAFE_INTEGER): Generator<number> {
    const lists = keys.map((key) => this.groups.get(key) ?? []);
    const positions = lists.map((list) => lowerBound(list, before) - 1);
    for (;;) {
      let best = -1;
      for (let i = 0; i < lists.length; i += 1) {
        if (positions[i] >= 0 && (best < 0 || lists[i][positions[i]] > lists[best][positions[best]])) best = i;
      }
      if (best < 0) return;
      const ordinal = lists[best][positions[best]];
      positions[best] -= 1;
      yield ordinal;
    }
  }

  private group(key: K): number[] {
    let group = this.groups.get(key);
    if (!group) {
      group = [];
      this.groups.set(key, group);
    }
    return group;
  }
}

/** First index whose value is >= target. */
function lowerBound(list: readonly number[], target: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index whose value is > target. */
function upperBound(list: readonly number[], target: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] <= target) low = mid + 1;
    else high = mid;
  }
  return low;
}
