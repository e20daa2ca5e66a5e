import { createSignal } from "solid-js";

/** One page of a cursor-paged list: its items, and the cursor of the next (older) page if there is one. */
export interface CursorPage<Item> {
  items: Item[];
  nextCursor?: string | null;
}

/**
 * A filtered, newest-first list read page by page ("load more"). `load(false)` starts over with the current
 * filters, `load(true)` appends the next page; an answer that a newer load overtook is dropped. Loads the first
 * page right away.
 */
export function createCursorPages<Filters extends object, Item>(fetchPage: (filters: Filters, cursor?: string) => Promise<CursorPage<Item>>) {
  const [filters, setFilters] = createSignal<Filters>({} as Filters);
  const [items, setItems] = createSignal<Item[]>([]);
  const [nextCursor, setNextCursor] = createSignal<string>();
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  let generation = 0;

  async function load(append: boolean) {
    const request = ++generation;
    setLoading(true);
    setError(undefined);
    try {
      const page = await fetchPage(filters(), append ? nextCursor() : undefined);
      if (request !== generation) return;
      setItems(append ? [...items(), ...page.items] : page.items);
      setNextCursor(page.nextCursor ?? undefined);
      setLoaded(true);
    } catch (failure) {
      if (request !== generation) return;
      setError(() => failure);
    } finally {
      if (request === generation) setLoading(false);
    }
  }

  /** New filters: start over from the newest page. */
  function apply(next: Filters) {
    setFilters(() => next);
    void load(false);
  }

  void load(false);

  return {
    filters,
    /** True when any filter is set (for the "nothing matches" empty state). */
    filtered: () => Object.keys(filters()).length > 0,
    items,
    nextCursor,
    loaded,
    loading,
    error,
    load,
    apply,
  };
}
