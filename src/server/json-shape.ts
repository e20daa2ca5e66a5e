/**
 * Nesting depth and array length of a parsed JSON body, checked before any code walks it: translators and
 * schema converters recurse, so a 100 000-deep body (which JSON.parse accepts) would otherwise end in a stack
 * overflow deep inside them. Iterative, visiting containers only — strings and numbers are skipped — so a
 * typical agent request of a few thousand nodes costs microseconds.
 */
export function jsonShapeProblem(value: unknown, maxDepth: number, maxArrayLength: number): string | null {
  if (value === null || typeof value !== "object") return null;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > maxDepth) return `JSON nesting is deeper than ${maxDepth} levels (limits.maxJsonDepth).`;
    if (Array.isArray(node)) {
      if (node.length > maxArrayLength) return `A JSON array has ${node.length} items, more than the ${maxArrayLength} allowed (limits.maxArrayLength).`;
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (item !== null && typeof item === "object") {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        const item = (node as Record<string, unknown>)[key];
        if (item !== null && typeof item === "object") {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return null;
}
