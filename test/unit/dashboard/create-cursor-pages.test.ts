import { describe, expect, test } from "bun:test";
import { createRoot } from "solid-js";
import { createCursorPages, type CursorPage } from "../../../ui/src/components/create-cursor-pages";
import { wholeNumber } from "../../../ui/src/components/create-form-submit";

/** A page request the test answers by hand, to order the answers. */
function deferredPages() {
  const calls: { filters: { q?: string }; cursor?: string; resolve: (page: CursorPage<string>) => void; reject: (error: unknown) => void }[] = [];
  const fetchPage = (filters: { q?: string }, cursor?: string) =>
    new Promise<CursorPage<string>>((resolve, reject) => calls.push({ filters, cursor, resolve, reject }));
  return { calls, fetchPage };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createCursorPages (audit log, request log)", () => {
  test("loads the first page at once, appends the next one with the cursor, starts over on new filters", async () => {
    const { calls, fetchPage } = deferredPages();
    const pages = createRoot(() => createCursorPages(fetchPage));
    expect(calls).toHaveLength(1);
    expect(pages.loading()).toBe(true);
    calls[0]!.resolve({ items: ["a", "b"], nextCursor: "c1" });
    await settle();
    expect(pages.items()).toEqual(["a", "b"]);
    expect(pages.nextCursor()).toBe("c1");
    expect(pages.loaded()).toBe(true);
    expect(pages.loading()).toBe(false);

    void pages.load(true);
    expect(calls[1]!.cursor).toBe("c1");
    calls[1]!.resolve({ items: ["c"], nextCursor: null });
    await settle();
    expect(pages.items()).toEqual(["a", "b", "c"]);
    expect(pages.nextCursor()).toBeUndefined();

    expect(pages.filtered()).toBe(false);
    pages.apply({ q: "x" });
    expect(pages.filtered()).toBe(true);
    expect(calls[2]).toMatchObject({ filters: { q: "x" }, cursor: undefined });
    calls[2]!.resolve({ items: ["x"] });
    await settle();
    expect(pages.items()).toEqual(["x"]);
  });

  test("an answer overtaken by a newer load is dropped, its failure too", async () => {
    const { calls, fetchPage } = deferredPages();
    const pages = createRoot(() => createCursorPages(fetchPage));
    pages.apply({ q: "new" });
    calls[1]!.resolve({ items: ["new"] });
    calls[0]!.reject(new Error("old"));
    await settle();
    expect(pages.items()).toEqual(["new"]);
    expect(pages.error()).toBeUndefined();
    expect(pages.loading()).toBe(false);

    void pages.load(false);
    const failure = new Error("down");
    calls[2]!.reject(failure);
    await settle();
    expect(pages.error()).toBe(failure);
    expect(pages.items()).toEqual(["new"]);
  });
});

describe("wholeNumber (API key and combo forms)", () => {
  test("empty is null, whole numbers in range pass, anything else is NaN", () => {
    expect(wholeNumber("  ", 1)).toBeNull();
    expect(wholeNumber("60", 1, 100)).toBe(60);
    expect(wholeNumber("0", 0, 10)).toBe(0);
    expect(wholeNumber("0", 1, 10)).toBeNaN();
    expect(wholeNumber("101", 1, 100)).toBeNaN();
    expect(wholeNumber("1.5", 1, 100)).toBeNaN();
    expect(wholeNumber("abc", 1)).toBeNaN();
  });
});
