import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const AAD = Buffer.from("omniroute:secret:v1");

/**
 * AES-256-GCM envelope for secrets at rest: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 * A fresh 96-bit IV per encryption; the tag authenticates, so a wrong key or tampering fails loudly.
 */
export class SecretBox {
  #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength !== 32) throw new Error("SecretBox needs a 32-byte key");
    this.#key = Buffer.from(key);
  }

  /**
   * Switches to another key in place: every holder of this box (connections, the CLI) follows a master-key
   * rotation at once. Only after the stored secrets were re-encrypted under `key`.
   */
  replaceKey(key: Uint8Array): void {
    if (key.byteLength !== 32) throw new Error("SecretBox needs a 32-byte key");
    this.#key = Buffer.from(key);
  }

  /** Whether `envelope` decrypts to `expected` under this key (a wrong key or tampering is false, not an error). */
  opens(envelope: string, expected: string): boolean {
    try {
      return this.decrypt(envelope) === expected;
    } catch (error) {
      if (error instanceof SecretBoxError) return false;
      throw error;
    }
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
  }

  decrypt(envelope: string): string {
    const [version, iv, tag, body] = envelope.split(".");
    if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretBoxError("not a recognised secret envelope");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
      decipher.setAAD(AAD);
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretBoxError("secret could not be decrypted with the current master key");
    }
  }
}

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}
