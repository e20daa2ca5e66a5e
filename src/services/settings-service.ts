import { settingsSchema, type Settings, type SettingsPatch } from "../config/settings-schema";
import type { SettingsRepo } from "../store/repos/settings-repo";

const KEY = "gateway";

/** Run-time settings with an in-memory copy, so the hot path reads plain fields. */
export class SettingsService {
  #current: Settings;

  constructor(private readonly repo: SettingsRepo) {
    this.#current = this.#load();
  }

  get(): Settings {
    return this.#current;
  }

  reload(): void {
    this.#current = this.#load();
  }

  update(patch: SettingsPatch): Settings {
    const merged = {
      timeouts: { ...this.#current.timeouts, ...patch.timeouts },
      limits: { ...this.#current.limits, ...patch.limits },
      requestLog: { ...this.#current.requestLog, ...patch.requestLog },
      shutdown: { ...this.#current.shutdown, ...patch.shutdown },
    };
    const next = settingsSchema.parse(merged);
    this.repo.set(KEY, next);
    this.#current = next;
    return next;
  }

  /** Replaces all settings (config import). */
  replace(value: unknown): Settings {
    const next = settingsSchema.parse(value);
    this.repo.set(KEY, next);
    this.#current = next;
    return next;
  }

  #load(): Settings {
    // Unknown or invalid stored values fall back to defaults field by field rather than failing start-up.
    const stored = this.repo.get<unknown>(KEY);
    const parsed = settingsSchema.safeParse(stored ?? {});
    return parsed.success ? parsed.data : settingsSchema.parse({});
  }
}
