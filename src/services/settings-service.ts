import { settingsSchema, type Settings, type SettingsPatch } from "../config/settings-schema";
import { createLogger } from "../logging/logger";
import type { SettingsRepo } from "../store/repos/settings-repo";

const log = createLogger("settings");

const KEY = "gateway";

/**
 * Told after every change: `patch` for an update, absent for a replacement (config import) or a reload (another
 * process wrote the store).
 */
export type SettingsListener = (next: Settings, previous: Settings, patch?: SettingsPatch) => void;

/** Run-time settings with an in-memory copy, so the hot path reads plain fields. */
export class SettingsService {
  #current: Settings;
  readonly #listeners = new Set<SettingsListener>();

  constructor(private readonly repo: SettingsRepo) {
    this.#current = this.#load();
  }

  get(): Settings {
    return this.#current;
  }

  /** Calls `listener` after each change until the returned function is called. */
  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  reload(): void {
    this.#set(this.#load());
  }

  update(patch: SettingsPatch): Settings {
    // Section by section, so a new section can never be forgotten here.
    const merged: Record<string, unknown> = {};
    for (const section of Object.keys(this.#current) as Array<keyof Settings>) {
      merged[section] = { ...this.#current[section], ...patch[section] };
    }
    const next = settingsSchema.parse(merged);
    this.repo.set(KEY, next);
    this.#set(next, patch);
    return next;
  }

  /** Replaces all settings (config import). */
  replace(value: unknown): Settings {
    const next = settingsSchema.parse(value);
    this.repo.set(KEY, next);
    this.#set(next);
    return next;
  }

  #set(next: Settings, patch?: SettingsPatch): void {
    const previous = this.#current;
    this.#current = next;
    for (const listener of this.#listeners) {
      try {
        listener(next, previous, patch);
      } catch (error) {
        // The change is stored; one consumer failing to follow it must not undo the call.
        log.error("a settings listener failed", { error });
      }
    }
  }

  #load(): Settings {
    // Unknown or invalid stored values fall back to defaults field by field rather than failing start-up.
    const stored = this.repo.get<unknown>(KEY);
    const parsed = settingsSchema.safeParse(stored ?? {});
    return parsed.success ? parsed.data : settingsSchema.parse({});
  }
}
