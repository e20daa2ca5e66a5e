/**
 * A self-contained HTML rendering of our OpenAPI document: no scripts, no CDN, so it works offline and on a
 * LAN-only Raspberry Pi. (The OpenAPI plugin's own UI pages load their JavaScript from a CDN.)
 */
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  hide?: boolean;
}

interface Spec {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const schemaBlock = (schema: unknown) => `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`;

export function renderApiDocsPage(spec: Spec): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "Other";
      const parts = [`<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>`];
      if (op.summary) parts.push(`<p><strong>${escape(op.summary)}</strong></p>`);
      if (op.description) parts.push(`<p>${escape(op.description)}</p>`);
      if (op.parameters?.length) {
        parts.push(`<p>Parameters: ${op.parameters.map((p) => `<code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ", required" : ""})`).join(", ")}</p>`);
      }
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (body) parts.push(`<details><summary>Request body</summary>${schemaBlock(body)}</details>`);
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const schema = response.content?.["application/json"]?.schema;
        if (schema) parts.push(`<details><summary>Response ${escape(status)}</summary>${schemaBlock(schema)}</details>`);
      }
      parts.push("</section>");
      const list = byTag.get(tag) ?? [];
      list.push(parts.join(""));
      byTag.set(tag, list);
    }
  }
  const nav = [...byTag.keys()].map((tag) => `<a href="#${encodeURIComponent(tag)}">${escape(tag)}</a>`).join(" · ");
  const sections = [...byTag].map(([tag, ops]) => `<h2 id="${encodeURIComponent(tag)}">${escape(tag)}</h2>${ops.join("")}`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(spec.info?.title ?? "API")} — API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1rem;color:#1b1f24;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6e6e6;background:#15171a}pre{background:#23262b!important}}
code{font-family:ui-monospace,monospace}pre{background:#f3f4f6;padding:.75rem;overflow:auto;border-radius:6px;font-size:13px}
.op{border-top:1px solid #8884;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;font-size:12px;padding:2px 6px;border-radius:4px;color:#fff;text-align:center}
.get{background:#1f7a3d}.post{background:#1d5fb4}.patch{background:#a15c00}.delete{background:#b42318}.put{background:#6941c6}
nav{margin:1rem 0}</style></head><body>
<h1>${escape(spec.info?.title ?? "API")} <small>${escape(spec.info?.version ?? "")}</small></h1>
<p>${escape(spec.info?.description ?? "")}</p><p>Machine-readable: <a href="/openapi/json">/openapi/json</a> (OpenAPI 3.1).</p>
<nav>${nav}</nav>${sections}</body></html>`;
}
