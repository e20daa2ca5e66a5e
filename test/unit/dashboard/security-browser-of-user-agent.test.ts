import { describe, expect, test } from "bun:test";
import { browserOfUserAgent } from "../../../ui/src/components/security/browser-of-user-agent";

describe("browserOfUserAgent", () => {
  test("names the browser a Chromium relative really is, and its system", () => {
    expect(browserOfUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87")).toEqual({ browser: "Edge 126", system: "Windows" });
    expect(browserOfUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/112.0.0.0")).toEqual({ browser: "Opera 112", system: "Linux" });
    expect(browserOfUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36")).toEqual({ browser: "Chrome (headless) 156", system: "Linux" });
    expect(browserOfUserAgent("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")).toEqual({ browser: "Chrome 126", system: "Android" });
  });

  test("Firefox, and Safari on macOS and iOS", () => {
    expect(browserOfUserAgent("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toEqual({ browser: "Firefox 128", system: "Linux" });
    expect(browserOfUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")).toEqual({ browser: "Safari 17", system: "macOS" });
    expect(browserOfUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).toEqual({ browser: "Safari 17", system: "iOS" });
  });

  test("anything else shows its own product token; nothing shows nothing", () => {
    expect(browserOfUserAgent("curl/8.5.0")).toEqual({ browser: "curl/8.5.0", system: undefined });
    expect(browserOfUserAgent("Bun/1.4.5")).toEqual({ browser: "Bun/1.4.5", system: undefined });
    expect(browserOfUserAgent("   ")).toBeUndefined();
    expect(browserOfUserAgent(null)).toBeUndefined();
  });
});
