import pkg from "../../package.json" with { type: "json" };

/** Product version, baked in at build time from package.json. */
export const VERSION: string = pkg.version;
