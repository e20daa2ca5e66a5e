import { afterAll, describe, expect, test } from "bun:test";
import type { IRRequest } from "../../../src/ir/ir-types";
import { DEFAULT_IMAGE_FETCH_POLICY, ImageFetchError, inlineImageUrls, type ImageFetchPolicy } from "../../../src/pipeline/inline-image-urls";
import type { HostLookup } from "../../../src/security/outbound-address";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

interface Seen {
  path: string;
  headers: Record<string, string>;
}

/** A local web server whose routes answer as told, recording every request it gets. */
function server(routes: Record<string, (port: number) => Response | Promise<Response>>) {
  const seen: Seen[] = [];
  const instance: ReturnType<typeof Bun.serve> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request): Response | Promise<Response> {
      const url = new URL(request.url);
      seen.push({ path: url.pathname, headers: Object.fromEntries(request.headers) });
      const route = routes[url.pathname];
      return route ? route(instance.port!) : new Response("not found", { status: 404 });
    },
  });
  servers.push(instance);
  return { port: instance.port!, seen };
}
const servers: Array<ReturnType<typeof Bun.serve>> = [];
afterAll(() => {
  for (const s of servers) s.stop(true);
});

/** Names resolve only through this table: nothing here touches real DNS. */
function table(entries: Record<string, string[]>): HostLookup {
  return async (hostname) => {
    const addresses = entries[hostname];
    if (!addresses) throw Object.assign(new Error(`no such host ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

/** The default policy with a fake resolver and any port (local test servers listen on random ones). */
function policy(lookup: HostLookup, overrides: Partial<ImageFetchPolicy> = {}): ImageFetchPolicy {
  return { ...DEFAULT_IMAGE_FETCH_POLICY, lookup, allowPort: () => true, ...overrides };
}

/** Also admits loopback, so a local server can play a public image host (the happy path). */
const loopbackToo = (kind: string) => kind === "public" || kind === "loopback";

function requestWithImage(url: string): IRRequest {
  return {
    model: "m",
    stream: false,
    messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image", source: { kind: "url", url } }] }],
  } as unknown as IRRequest;
}

async function inline(url: string, fetchPolicy: ImageFetchPolicy, maxBytes = 1024 * 1024): Promise<{ kind: string; mediaType: string; data: string }> {
  const request = requestWithImage(url);
  await inlineImageUrls(request, maxBytes, undefined, fetchPolicy);
  const part = request.messages[0]!.content[1] as { source: { kind: string; mediaType: string; data: string } };
  expect(part.source.kind).toBe("base64");
  return part.source;
}

async function refusal(url: string, fetchPolicy: ImageFetchPolicy, maxBytes = 1024 * 1024): Promise<string> {
  try {
    await inlineImageUrls(requestWithImage(url), maxBytes, undefined, fetchPolicy);
  } catch (error) {
    if (error instanceof ImageFetchError) return error.message;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe("image URL fetching: where the gateway may connect", () => {
  test("the default policy refuses a loopback server, by address and by port", async () => {
    const images = server({ "/cat.png": () => new Response(PNG, { headers: { "content-type": "image/png" } }) });
    const url = `http://127.0.0.1:${images.port}/cat.png`;
    expect(await refusal(url, DEFAULT_IMAGE_FETCH_POLICY)).toContain(`uses port ${images.port}`);
    expect(await refusal(url, policy(table({})))).toContain("host 127.0.0.1 is a loopback address");
    expect(await refusal(`http://[::1]:${images.port}/cat.png`, policy(table({})))).toContain("loopback");
    expect(await refusal("http://localhost/cat.png", { ...DEFAULT_IMAGE_FETCH_POLICY, lookup: table({ localhost: ["127.0.0.1"] }) })).toContain("loopback");
    expect(images.seen).toHaveLength(0);
  });

  test.each([
    ["private", ["10.1.2.3"], "private-network"],
    ["private (RFC 1918, 172.16/12)", ["172.20.0.5"], "private-network"],
    ["unique-local IPv6", ["fd12::5"], "private-network"],
    ["link-local", ["169.254.10.1"], "link-local"],
    ["link-local IPv6", ["fe80::1"], "link-local"],
    ["metadata", ["169.254.169.254"], "metadata"],
    ["metadata IPv6", ["fd00:ec2::254"], "metadata"],
    ["CGNAT", ["100.64.1.1"], "carrier-grade NAT"],
    ["unspecified", ["0.0.0.0"], "unspecified"],
    ["multicast", ["224.0.0.251"], "multicast"],
    ["reserved", ["240.0.0.1"], "reserved"],
    ["IPv4-mapped loopback", ["::ffff:127.0.0.1"], "loopback"],
    ["one bad address among public ones", ["93.184.216.34", "192.168.0.10"], "192.168.0.10"],
  ])("a host resolving to a %s address is refused before any connection", async (_label, addresses, expected) => {
    const message = await refusal("http://images.example/cat.png", policy(table({ "images.example": addresses })));
    expect(message).toContain("images.example resolves to");
    expect(message).toContain(expected);
    expect(message).toContain("Send the image inline");
  });

  test.each([
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[::ffff:a9fe:a9fe]/latest",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://2852039166/",
  ])("the metadata address %s is refused whatever the policy", async (url) => {
    expect(await refusal(url, policy(table({}), { allowAddress: () => true }))).toMatch(/metadata|link-local/);
  });

  test.each([
    ["file:///etc/passwd", "http(s) or a data: URL"],
    ["ftp://images.example/cat.png", "http(s) or a data: URL"],
    ["gopher://images.example/", "http(s) or a data: URL"],
    ["http://user:pw@images.example/cat.png", "must not contain credentials"],
    ["http://images.example:22/cat.png", "uses port 22"],
    ["http://images.example:6379/", "uses port 6379"],
    ["not a url", "not a valid URL"],
  ])("%s is refused", async (url, expected) => {
    expect(await refusal(url, { ...DEFAULT_IMAGE_FETCH_POLICY, lookup: table({ "images.example": ["93.184.216.34"] }) })).toContain(expected);
  });

  test("an unresolvable host is a clear error", async () => {
    expect(await refusal("http://nowhere.example/cat.png", policy(table({})))).toContain("nowhere.example could not be resolved (ENOTFOUND)");
  });
});

describe("image URL fetching: the happy path and what is sent", () => {
  test("an image is fetched from the address the resolver gave (no second lookup), with no credential or cookie", async () => {
    const images = server({ "/cat.png": () => new Response(PNG, { headers: { "content-type": "image/png" } }) });
    // `images.test` exists only in the fake resolver: the connection can only have used the checked address.
    const source = await inline(`http://images.test:${images.port}/cat.png?sig=abc`, policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo }));
    expect(source).toEqual({ kind: "base64", mediaType: "image/png", data: PNG.toString("base64") });
    expect(images.seen).toHaveLength(1);
    const headers = images.seen[0]!.headers;
    expect(headers.host).toBe(`images.test:${images.port}`);
    expect(Object.keys(headers).sort()).toEqual(["accept", "connection", "host", "user-agent"]);
    expect(headers.accept).toBe("image/*");
  });

  test("a URL named twice is fetched once", async () => {
    const images = server({ "/once.png": () => new Response(PNG, { headers: { "content-type": "image/png" } }) });
    const url = `http://images.test:${images.port}/once.png`;
    const request = requestWithImage(url);
    request.messages[0]!.content.push({ type: "image", source: { kind: "url", url } } as never);
    await inlineImageUrls(request, 1024 * 1024, undefined, policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo }));
    expect(images.seen).toHaveLength(1);
  });

  test("bytes without a useful content type are accepted only when they are an image", async () => {
    const images = server({
      "/untyped.png": () => new Response(PNG, { headers: { "content-type": "application/octet-stream" } }),
      "/untyped.bin": () => new Response("MZ not an image at all", { headers: { "content-type": "application/octet-stream" } }),
    });
    const fetchPolicy = policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo });
    expect((await inline(`http://images.test:${images.port}/untyped.png`, fetchPolicy)).mediaType).toBe("image/png");
    expect(await refusal(`http://images.test:${images.port}/untyped.bin`, fetchPolicy)).toContain("is not an image");
  });

  test.each([
    ["text/html", "<html>login page</html>", "not an image (content type text/html)"],
    ["application/json", '{"AccessKeyId":"x"}', "not an image (content type application/json)"],
    ["image/svg+xml", "<svg/>", "SVG, which is not accepted"],
  ])("a %s answer is refused", async (type, body, expected) => {
    const images = server({ "/x": () => new Response(body, { headers: { "content-type": type } }) });
    expect(await refusal(`http://images.test:${images.port}/x`, policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo }))).toContain(expected);
  });

  test("the size limit holds for a declared length and for a body without one", async () => {
    const big = new Uint8Array(4096);
    const images = server({
      "/declared.png": () => new Response(big, { headers: { "content-type": "image/png" } }),
      "/chunked.png": () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(1024));
              controller.close();
            },
          }),
          { headers: { "content-type": "image/png" } },
        ),
    });
    const fetchPolicy = policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo });
    expect(await refusal(`http://images.test:${images.port}/declared.png`, fetchPolicy, 2048)).toContain("larger than 2048 bytes");
    expect(await refusal(`http://images.test:${images.port}/chunked.png`, fetchPolicy, 2048)).toContain("larger than 2048 bytes");
  });

  test("a slow server runs into the time limit", async () => {
    const images = server({
      "/slow.png": async () => {
        await Bun.sleep(1000);
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      },
    });
    const started = Date.now();
    const message = await refusal(`http://images.test:${images.port}/slow.png`, policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo, timeoutMs: 200 }));
    expect(message).toContain("took longer than");
    expect(Date.now() - started).toBeLessThan(900);
  });

  test("an HTTP error is reported with its status", async () => {
    const images = server({});
    expect(await refusal(`http://images.test:${images.port}/missing.png`, policy(table({ "images.test": ["127.0.0.1"] }), { allowAddress: loopbackToo }))).toContain("failed with HTTP 404");
  });
});

describe("image URL fetching: redirects", () => {
  test("redirects are followed by hand, each hop checked, at most three", async () => {
    const images = server({
      "/final.png": () => new Response(PNG, { headers: { "content-type": "image/png" } }),
      "/hop1": (port) => Response.redirect(`http://cdn.test:${port}/hop2`, 302),
      "/hop2": () => new Response(null, { status: 301, headers: { location: "/hop3" } }),
      "/hop3": () => new Response(null, { status: 307, headers: { location: "/final.png" } }),
      "/hop0": (port) => Response.redirect(`http://images.test:${port}/hop1`, 302),
      "/to-private": () => Response.redirect("http://intranet.test/secret.png", 302),
      "/to-metadata": () => Response.redirect("http://169.254.169.254/latest/meta-data/", 302),
      "/to-file": () => Response.redirect("file:///etc/passwd", 302),
      "/to-ssh": () => Response.redirect("http://images.test:22/", 302),
    });
    const lookup = table({ "images.test": ["127.0.0.1"], "cdn.test": ["127.0.0.1"], "intranet.test": ["10.0.0.7"] });
    const fetchPolicy = policy(lookup, { allowAddress: loopbackToo, allowPort: (port) => port === images.port || port === 80 || port === 443 });
    const base = `http://images.test:${images.port}`;

    expect((await inline(`${base}/hop1`, fetchPolicy)).data).toBe(PNG.toString("base64"));
    expect(images.seen.map((s) => s.path)).toEqual(["/hop1", "/hop2", "/hop3", "/final.png"]);
    expect(images.seen.map((s) => s.headers.host)).toEqual([`images.test:${images.port}`, `cdn.test:${images.port}`, `cdn.test:${images.port}`, `cdn.test:${images.port}`]);
    for (const hop of images.seen) expect(Object.keys(hop.headers).sort()).toEqual(["accept", "connection", "host", "user-agent"]);

    expect(await refusal(`${base}/hop0`, fetchPolicy)).toContain("redirected more than 3 times");
    expect(await refusal(`${base}/to-private`, fetchPolicy)).toContain("intranet.test resolves to 10.0.0.7, a private-network address");
    expect(await refusal(`${base}/to-metadata`, fetchPolicy)).toContain("metadata");
    expect(await refusal(`${base}/to-file`, fetchPolicy)).toContain("http(s) or a data: URL");
    expect(await refusal(`${base}/to-ssh`, fetchPolicy)).toContain("uses port 22");
  });
});
