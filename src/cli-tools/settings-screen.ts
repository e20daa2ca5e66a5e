/**
 * Some tools (Cline, Kilo Code, Cursor) keep their provider settings in the editor's own storage (VS Code extension
 * state, Cursor's settings screen), not in a documented file OmniRoute could edit safely: they get the values to
 * type into their settings screen, one "Field: value" line each, under the field names those screens use.
 */
export function settingsFields(entries: Array<[string, string]>): string {
  return entries.map(([label, value]) => `${label}: ${value}`).join("\n") + "\n";
}
