/**
 * A short, human name for a User-Agent header ("Firefox 128 on Linux"). Order matters: Edge and Opera also claim to
 * be Chrome, and Chrome claims to be Safari. Anything that is not a known browser (curl, an SDK) shows its first
 * product token as it sent it.
 */

const BROWSERS: ReadonlyArray<{ name: string; version: RegExp }> = [
  { name: "Edge", version: /\bEdg(?:e|A|iOS)?\/(\d+)/ },
  { name: "Opera", version: /\bOPR\/(\d+)/ },
  { name: "Firefox", version: /\b(?:Firefox|FxiOS)\/(\d+)/ },
  { name: "Chrome (headless)", version: /\bHeadlessChrome\/(\d+)/ },
  { name: "Chrome", version: /\b(?:Chrome|CriOS)\/(\d+)/ },
  { name: "Safari", version: /\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\// },
];

const SYSTEMS: ReadonlyArray<{ name: string; test: RegExp }> = [
  { name: "Android", test: /\bAndroid\b/ },
  { name: "iOS", test: /\b(?:iPhone|iPad|iPod)\b/ },
  { name: "Windows", test: /\bWindows\b/ },
  { name: "ChromeOS", test: /\bCrOS\b/ },
  { name: "macOS", test: /\bMac OS X\b|\bMacintosh\b/ },
  { name: "Linux", test: /\bLinux\b/ },
];

export interface BrowserName {
  browser: string;
  /** Undefined when the agent names no known system. */
  system: string | undefined;
}

/** Undefined for a missing or empty header. */
export function browserOfUserAgent(userAgent: string | null | undefined): BrowserName | undefined {
  const agent = userAgent?.trim();
  if (!agent) return undefined;
  const system = SYSTEMS.find((candidate) => candidate.test.test(agent))?.name;
  for (const candidate of BROWSERS) {
    const match = candidate.version.exec(agent);
    if (match) return { browser: `${candidate.name} ${match[1]}`, system };
  }
  // Not a browser: its own product token (`curl/8.5.0`), cut so a long header cannot stretch the table.
  const product = agent.split(/\s+/)[0]!.slice(0, 40);
  return { browser: product, system };
}
