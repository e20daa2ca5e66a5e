import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import type { z } from "zod";
import type { sealedSecretsSchema } from "./config-document-schema";

type Sealed = z.infer<typeof sealedSecretsSchema>;

// 2^15 × 8 × 128 B = 32 MiB and ~0.1 s per derivation: slow for guessing, fine for an export.
const KDF = { N: 32768, r: 8, p: 1 };

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase, salt, 32, { ...params, maxmem: 128 * params.N * params.r * 2 });
}

export function sealWithPassphrase(plain: string, passphrase: string): Sealed {
  if (passphrase.length < 8) throw new PassphraseError("The export passphrase must be at least 8 characters.");
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(passphrase, salt, KDF), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return {
    cipher: "aes-256-gcm",
    kdf: "scrypt",
    kdfParams: KDF,
    salt: salt.toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  };
}

export function openWithPassphrase(sealed: Sealed, passphrase: string): string {
  const { N, r, p } = sealed.kdfParams;
  // A crafted file must not make an import allocate gigabytes or spin for minutes.
  if (N < 2 || N > 1 << 20 || r < 1 || r > 32 || p < 1 || p > 16) {
    throw new PassphraseError("The export's key-derivation parameters are out of range.");
  }
  try {
    const key = deriveKey(passphrase, Buffer.from(sealed.salt, "base64"), sealed.kdfParams);
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new PassphraseError("Wrong passphrase, or the secrets in this file were altered.");
  }
}

export class PassphraseError extends Error {
  override name = "PassphraseError";
}
