import { describe, expect, test } from "bun:test";
import { sealedSecretsSchema } from "../../../src/config-file/config-document-schema";
import { openWithPassphrase, PassphraseError, sealWithPassphrase } from "../../../src/config-file/passphrase-seal";

const PLAIN = JSON.stringify({ connections: { conn_a: "sk-sealed-secret-value" } });
const PASSPHRASE = "correct horse battery";
const sealed = sealWithPassphrase(PLAIN, PASSPHRASE);

function flip(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[0]! ^= 0x01;
  return bytes.toString("base64");
}

describe("sealWithPassphrase / openWithPassphrase", () => {
  test("round-trips with the right passphrase and matches the document schema", () => {
    expect(sealedSecretsSchema.parse(sealed)).toEqual(sealed);
    expect(sealed).toMatchObject({ cipher: "aes-256-gcm", kdf: "scrypt", kdfParams: { N: 32768, r: 8, p: 1 } });
    expect(openWithPassphrase(sealed, PASSPHRASE)).toBe(PLAIN);
  });

  test("the sealed form does not contain the plaintext", () => {
    const json = JSON.stringify(sealed);
    expect(json).not.toContain("sk-sealed-secret-value");
    expect(Buffer.from(sealed.data, "base64").toString("utf8")).not.toContain("sk-sealed");
  });

  test("a wrong passphrase fails with PassphraseError", () => {
    expect(() => openWithPassphrase(sealed, "correct horse battery!")).toThrow(PassphraseError);
    expect(() => openWithPassphrase(sealed, "correct horse battery!")).toThrow("Wrong passphrase");
  });

  test.each(["data", "tag", "iv", "salt"] as const)("an altered %s fails with PassphraseError", (field) => {
    expect(() => openWithPassphrase({ ...sealed, [field]: flip(sealed[field]) }, PASSPHRASE)).toThrow(PassphraseError);
  });

  test("passphrases shorter than 8 characters are refused when sealing", () => {
    expect(() => sealWithPassphrase(PLAIN, "short")).toThrow(PassphraseError);
    expect(() => sealWithPassphrase(PLAIN, "short")).toThrow("at least 8 characters");
  });

  test("key-derivation parameters beyond the limit are refused before deriving", () => {
    const started = performance.now();
    expect(() => openWithPassphrase({ ...sealed, kdfParams: { N: 2 ** 21, r: 8, p: 1 } }, PASSPHRASE)).toThrow("out of range");
    expect(performance.now() - started).toBeLessThan(50);
  });

  test("each seal uses a fresh salt and IV", () => {
    const again = sealWithPassphrase(PLAIN, PASSPHRASE);
    expect(again.salt).not.toBe(sealed.salt);
    expect(again.iv).not.toBe(sealed.iv);
    expect(again.data).not.toBe(sealed.data);
  });
});
