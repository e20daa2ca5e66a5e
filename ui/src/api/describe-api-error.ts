import { t } from "../i18n/locale-store";
import { ApiError, NETWORK_ERROR_CODE } from "./client";

/** The server's own message where it sent one; our catalog for failures that never reached it. */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR_CODE) return t("common.networkError");
    return error.message || t("common.unexpectedError");
  }
  return t("common.unexpectedError");
}
