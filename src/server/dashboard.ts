import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * The prebuilt Solid dashboard, read into memory once at start (a few dozen files) from wherever the run mode
 * keeps it. Hashed assets are cached forever; index.html is revalidated so upgrades show up at once.
 * Unknown paths fall back to index.html for client-side routing.
 */
export class DashboardAssets {
  readonly #assets = new Map<string, Asset>();
  readonly #index: Asset | undefined;

  constructor(dir: string | null) {
    if (!dir) return;
    for (const file of walk(dir)) {
      const urlPath = `/${relative(dir, file).split(sep).join("/")}`;
      const immutable = urlPath.startsWith("/assets/");
      this.#assets.set(urlPath, {
        body: new Uint8Array(readFileSync(file)),
        headers: {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
          "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
          ...SECURITY_HEADERS,
        },
      });
    }
    this.#index = this.#assets.get("/index.html");
  }

  get available(): boolean {
    return this.#index !== undefined;
  }

  serve(path: string): Response {
    const asset = this.#assets.get(path) ?? (path.startsWith("/assets/") ? undefined : this.#index);
    if (!asset) {
      return new Response(
        this.#index ? "Not found" : "The dashboard was not built into this copy of OmniRoute. Run `bun run build:ui`.",
        { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } },
      );
    }
    return new Response(asset.body, { headers: asset.headers });
  }
}
