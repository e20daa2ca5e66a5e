import { describe, expect, test } from "bun:test";
import { newRequestId, acceptRequestId, newId } from "../../../src/util/ids";

describe("newId", () => {
  test("is '<prefix>_' plus 12 random bytes in base64url by default", () => {
    const id = newId("conn");
    expect(id).toMatch(/^conn_[A-Za-z0-9_-]{16}$/);
    expect(Buffer.from(id.slice(5), "base64url").byteLength).toBe(12);
  });

  test("honours the byte count and does not repeat", () => {
    expect(newId("key", 3)).toMatch(/^key_[A-Za-z0-9_-]{4}$/);
    expect(new Set(Array.from({ length: 500 }, () => newId("x"))).size).toBe(500);
  });
});

describe("acceptRequestId", () => {
  test.each(["abc", "req-123", "a.b:c_d-e", "A".repeat(128), "0"])("keeps the plain client id %j", (id) => {
    expect(acceptRequestId(id)).toBe(id);
  });

  test.each([null, "", "A".repeat(129), "has space", "new\nline", "quote\"", "<script>", "é"])(
    "replaces %j with a fresh req_ id",
    (id) => {
      const accepted = acceptRequestId(id);
      expect(accepted).not.toBe(id);
      expect(accepted).toMatch(/^req_[0-9a-z]{20}$/);
    },
  );
});

describe("newRequestId", () => {
  test("ids are unique and sort in creation order, so log inserts append", () => {
    const ids = Array.from({ length: 5000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
