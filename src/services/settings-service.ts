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
    // Section by section, so a new section can never be forgotten here.
    const merged: Record<string, unknown> = {};
    for (const section of Object.keys(this.#current) as Array<keyof Settings>) {
      merged[section] = { ...this.#current[section], ...patch[section] };
    }
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
