/** localStorage can throw (disabled storage, private modes); a preference that cannot be saved is not an error. */

export function readPreference(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writePreference(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Keep the in-memory choice for this visit.
  }
}
