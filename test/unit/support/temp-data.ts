import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAppServices, type AppServices } from "../../../src/services/app-services";

export const SHARED_FIXTURES = join(import.meta.dir, "../../../../shared/fixtures");

/** Throwaway directories removed by `cleanup()`; one instance per test file. */
export class TempDirs {
  #dirs: string[] = [];
  #services: AppServices[] = [];

  make(label = "unit"): string {
    const dir = mkdtempSync(join(tmpdir(), `omniroute-${label}-`));
    this.#dirs.push(dir);
    return dir;
  }

  /** Real services over a fresh (or given) data dir, closed by `cleanup()`. */
  services(options: { dataDir?: string; secret?: string } = {}): AppServices {
    const services = openAppServices({ dataDir: options.dataDir ?? this.make("data"), secret: options.secret });
    this.#services.push(services);
    return services;
  }

  cleanup(): void {
    for (const services of this.#services.splice(0)) {
      try {
        services.close();
      } catch {
        // already closed by the test
      }
    }
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
