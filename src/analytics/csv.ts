/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, with quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : String(value);
  // A leading = + - @ would be run as a formula by spreadsheets: prefix a quote (OWASP CSV injection advice).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

const CSV_PAGE = 1000;

/**
 * A CSV download read from the store page by page as the client reads it, so a large export never sits in memory
 * whole: the header row, then `page(take, after)` until it runs dry or `max` rows went out. `after` is the last
 * row sent (the cursor), null for the first page.
 */
export function pagedCsvResponse<Row>(options: {
  columns: readonly string[];
  page: (take: number, after: Row | null) => Row[];
  line: (row: Row) => string;
  max: number;
  filePrefix: string;
}): Response {
  const { columns, page, line, max, filePrefix } = options;
  let sent = 0;
  let last: Row | null = null;
  let headerSent = false;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(columns)));
        return;
      }
      const take = Math.min(CSV_PAGE, max - sent);
      const rows = take > 0 ? page(take, last) : [];
      if (rows.length === 0) return controller.close();
      sent += rows.length;
      last = rows[rows.length - 1]!;
      controller.enqueue(encoder.encode(rows.map(line).join("")));
      if (rows.length < take) controller.close();
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filePrefix}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
