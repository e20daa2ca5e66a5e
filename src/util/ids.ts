import { randomBytes } from "node:crypto";

/** Random URL-safe id with a readable prefix, e.g. `conn_3kq…`. */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("base64url")}`;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Request ids are made per API call, so they avoid the crypto call: a per-process random tag keeps them
// unique across restarts, and the time-plus-counter prefix keeps them ordered, so request-log inserts append
// to the primary-key B-tree instead of landing at random pages.
const PROCESS_TAG = randomBytes(4).toString("hex");
let sequence = 0;

export function newRequestId(now = Date.now()): string {
  sequence = (sequence + 1) % 1_679_616; // 36^4
  return `req_${now.toString(36)}${sequence.toString(36).padStart(4, "0")}${PROCESS_TAG}`;
}

/** A client-supplied request id is kept only when it is short and plain, so it is safe in logs and headers. */
export function acceptRequestId(candidate: string | null): string {
  return candidate && REQUEST_ID.test(candidate) ? candidate : newRequestId();
}
