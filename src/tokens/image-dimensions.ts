/**
 * Pixel size of a base64 image read from its header bytes (PNG, JPEG, GIF, WebP), without an image library:
 * token costs depend only on width and height, and decoding a whole image to learn them would cost memory.
 */

export interface ImageDimensions {
  width: number;
  height: number;
}

/** Base64 characters decoded on the first try; a JPEG's frame header usually sits within the first few KB. */
const FIRST_CHUNK_CHARS = 4096;
/** A JPEG whose frame header lies beyond EXIF/ICC blocks gets a second, larger read. */
const SECOND_CHUNK_CHARS = 512 * 1024;

/** Dimensions of the image in `base64` (plain base64 or a `data:` URL), or undefined when not recognised. */
export function readImageDimensions(base64: string): ImageDimensions | undefined {
  const data = stripDataUrlPrefix(base64);
  const head = decodePrefix(data, FIRST_CHUNK_CHARS);
  const fromHead = dimensionsFromBytes(head);
  if (fromHead !== "need-more") return fromHead;
  const bigger = decodePrefix(data, SECOND_CHUNK_CHARS);
  const fromBigger = dimensionsFromBytes(bigger);
  if (fromBigger !== "need-more") return fromBigger;
  if (data.length <= SECOND_CHUNK_CHARS) return undefined;
  const all = dimensionsFromBytes(decodePrefix(data, data.length));
  return all === "need-more" ? undefined : all;
}

/** The base64 payload of a `data:<type>;base64,<data>` URL, or undefined for any other URL. */
export function base64FromDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(";base64")) return undefined;
  return { mediaType: meta.slice(0, -";base64".length), data: url.slice(comma + 1) };
}

/** Bytes a base64 text decodes to, without decoding it. */
export function base64ByteLength(base64: string): number {
  const data = stripDataUrlPrefix(base64);
  let padding = 0;
  if (data.endsWith("==")) padding = 2;
  else if (data.endsWith("=")) padding = 1;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function stripDataUrlPrefix(text: string): string {
  return base64FromDataUrl(text)?.data ?? text;
}

function decodePrefix(base64: string, chars: number): Uint8Array {
  // Whole 4-char groups only, so the prefix decodes cleanly; base64url and whitespace are tolerated by Buffer.
  const length = Math.min(base64.length, chars - (chars % 4));
  return Buffer.from(base64.slice(0, length), "base64");
}

type HeaderResult = ImageDimensions | undefined | "need-more";

function dimensionsFromBytes(bytes: Uint8Array): HeaderResult {
  if (bytes.length < 10) return undefined;
  if (isPng(bytes)) return pngDimensions(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegDimensions(bytes);
  if (ascii(bytes, 0, 4) === "GIF8") return checked(readU16LE(bytes, 6), readU16LE(bytes, 8));
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return webpDimensions(bytes);
  return undefined;
}

function isPng(b: Uint8Array): boolean {
  return b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function pngDimensions(b: Uint8Array): HeaderResult {
  // IHDR is always the first chunk: width and height are big-endian u32 at offsets 16 and 20.
  if (b.length < 24) return undefined;
  return checked(readU32BE(b, 16), readU32BE(b, 20));
}

function jpegDimensions(b: Uint8Array): HeaderResult {
  let offset = 2;
  while (offset + 4 <= b.length) {
    if (b[offset] !== 0xff) {
      offset++; // tolerate fill bytes / junk between segments
      continue;
    }
    const marker = b[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    // Markers without a length field.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame header
    const length = readU16BE(b, offset + 2);
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 9 > b.length) return "need-more";
      return checked(readU16BE(b, offset + 7), readU16BE(b, offset + 5));
    }
    if (length < 2) return undefined;
    offset += 2 + length;
  }
  return "need-more";
}

function webpDimensions(b: Uint8Array): HeaderResult {
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 " && b.length >= 30) {
    // Lossy: 14-bit sizes after the 3-byte frame tag and 3-byte start code.
    return checked(readU16LE(b, 26) & 0x3fff, readU16LE(b, 28) & 0x3fff);
  }
  if (chunk === "VP8L" && b.length >= 25) {
    // Lossless: signature 0x2f, then 14 bits width-1 and 14 bits height-1, little-endian bit order.
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return checked((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X" && b.length >= 30) {
    // Extended: 24-bit canvas width-1 and height-1.
    return checked(readU24LE(b, 24) + 1, readU24LE(b, 27) + 1);
  }
  return undefined;
}

function checked(width: number, height: number): ImageDimensions | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function ascii(b: Uint8Array, at: number, length: number): string {
  let out = "";
  for (let i = at; i < at + length && i < b.length; i++) out += String.fromCharCode(b[i] ?? 0);
  return out;
}

function readU16BE(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function readU16LE(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function readU24LE(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}

function readU32BE(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) >>> 0) + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0);
}
