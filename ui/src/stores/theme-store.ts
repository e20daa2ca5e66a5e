import { createEffect, createRoot, createSignal } from "solid-js";
import { readPreference, writePreference } from "./local-preference";

export type Theme = "light" | "dark";

const THEME_STORAGE_KEY = "omniroute.theme";

function parseTheme(value: string | null): Theme | null {
  return value === "light" || value === "dark" ? value : null;
}

const systemDarkQuery = window.matchMedia("(prefers-color-scheme: dark)");
const [systemPrefersDark, setSystemPrefersDark] = createSignal(systemDarkQuery.matches);
systemDarkQuery.addEventListener("change", (event) => setSystemPrefersDark(event.matches));

/** null until the user picks a theme; until then the system preference wins, live. */
const [chosenTheme, setChosenTheme] = createSignal<Theme | null>(parseTheme(readPreference(THEME_STORAGE_KEY)));

export function theme(): Theme {
  return chosenTheme() ?? (systemPrefersDark() ? "dark" : "light");
}

export function toggleTheme(): void {
  const next: Theme = theme() === "dark" ? "light" : "dark";
  setChosenTheme(next);
  writePreference(THEME_STORAGE_KEY, next);
}

createRoot(() => {
  createEffect(() => {
    document.documentElement.dataset.theme = theme();
  });
});
