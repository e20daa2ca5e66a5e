import { randomBytes } from "node:crypto";

/** Random URL-safe id with a readable prefix, e.g. `conn_3kq…`. */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("base64url")}`;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client-supplied request id is kept only when it is short and plain, so it is safe in logs and headers. */
export function acceptRequestId(candidate: string | null): string {
  return candidate && REQUEST_ID.test(candidate) ? candidate : newId("req", 12);
}
