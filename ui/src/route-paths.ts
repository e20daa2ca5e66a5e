export const LOGIN_PATH = "/login";
export const STATUS_PATH = "/";
export const PROVIDERS_PATH = "/providers";
export const API_KEYS_PATH = "/api-keys";
