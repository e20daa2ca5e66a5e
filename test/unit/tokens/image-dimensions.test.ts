import { describe, expect, test } from "bun:test";
import { base64ByteLength, base64FromDataUrl, readImageDimensions } from "../../../src/tokens/image-dimensions";

/** Minimal but structurally valid image headers, built byte by byte (no image library needed). */
function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  b[25] = 6;
  return b;
}

function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(32);
  b.write("GIF89a", 0, "latin1");
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
}

/** JPEG with an APP0 segment, an optional large APP1 (EXIF-like) segment, a DHT, then SOF. */
function jpeg(width: number, height: number, { exifBytes = 0, sofMarker = 0xc0 } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  const app0 = Buffer.alloc(18);
  app0[0] = 0xff;
  app0[1] = 0xe0;
  app0.writeUInt16BE(16, 2);
  app0.write("JFIF\0", 4, "latin1");
  parts.push(app0);
  // A long metadata run in 60 KB segments (a segment length is a u16).
  let remaining = exifBytes;
  while (remaining > 0) {
    const size = Math.min(remaining, 60_000);
    const app1 = Buffer.alloc(size + 4, 0x41);
    app1[0] = 0xff;
    app1[1] = 0xe1;
    app1.writeUInt16BE(size + 2, 2);
    parts.push(app1);
    remaining -= size;
  }
  const dht = Buffer.from([0xff, 0xc4, 0x00, 0x04, 0x00, 0x00]);
  parts.push(dht);
  const sof = Buffer.alloc(19);
  sof[0] = 0xff;
  sof[1] = sofMarker;
  sof.writeUInt16BE(17, 2);
  sof[4] = 8;
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  sof[9] = 3;
  parts.push(sof);
  parts.push(Buffer.from([0xff, 0xda, 0x00, 0x02, 0x11, 0x22, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

function webpVp8(width: number, height: number): Buffer {
  const b = Buffer.alloc(40);
  b.write("RIFF", 0, "latin1");
  b.writeUInt32LE(32, 4);
  b.write("WEBPVP8 ", 8, "latin1");
  b.writeUInt32LE(20, 16);
  b[20] = 0x10; // frame tag
  b[23] = 0x9d;
  b[24] = 0x01;
  b[25] = 0x2a; // start code
  b.writeUInt16LE(width, 26);
  b.writeUInt16LE(height, 28);
  return b;
}

function webpVp8l(width: number, height: number): Buffer {
  const b = Buffer.alloc(40);
  b.write("RIFF", 0, "latin1");
  b.write("WEBPVP8L", 8, "latin1");
  b[20] = 0x2f;
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
  b.writeUInt32LE(bits >>> 0, 21);
  return b;
}

function webpVp8x(width: number, height: number): Buffer {
  const b = Buffer.alloc(40);
  b.write("RIFF", 0, "latin1");
  b.write("WEBPVP8X", 8, "latin1");
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}

const b64 = (b: Buffer) => b.toString("base64");

describe("readImageDimensions", () => {
  test("PNG from the IHDR chunk", () => {
    expect(readImageDimensions(b64(png(1920, 1080)))).toEqual({ width: 1920, height: 1080 });
  });

  test("GIF logical screen size", () => {
    expect(readImageDimensions(b64(gif(320, 200)))).toEqual({ width: 320, height: 200 });
  });

  test("JPEG frame header after APP0 and DHT segments", () => {
    expect(readImageDimensions(b64(jpeg(640, 480)))).toEqual({ width: 640, height: 480 });
  });

  test("progressive JPEG (SOF2)", () => {
    expect(readImageDimensions(b64(jpeg(1024, 768, { sofMarker: 0xc2 })))).toEqual({ width: 1024, height: 768 });
  });

  test("JPEG whose frame header sits past a large EXIF block", () => {
    expect(readImageDimensions(b64(jpeg(4032, 3024, { exifBytes: 20_000 })))).toEqual({ width: 4032, height: 3024 });
    // Beyond the second read window too: the whole payload is decoded as a last resort.
    expect(readImageDimensions(b64(jpeg(800, 600, { exifBytes: 700_000 })))).toEqual({ width: 800, height: 600 });
  });

  test("WebP lossy, lossless and extended", () => {
    expect(readImageDimensions(b64(webpVp8(500, 300)))).toEqual({ width: 500, height: 300 });
    expect(readImageDimensions(b64(webpVp8l(1000, 250)))).toEqual({ width: 1000, height: 250 });
    expect(readImageDimensions(b64(webpVp8x(3000, 2000)))).toEqual({ width: 3000, height: 2000 });
  });

  test("data: URLs are read too", () => {
    expect(readImageDimensions(`data:image/png;base64,${b64(png(10, 20))}`)).toEqual({ width: 10, height: 20 });
  });

  test("unknown, truncated or garbage input yields undefined, never throws", () => {
    expect(readImageDimensions("")).toBeUndefined();
    expect(readImageDimensions("not base64 at all!!")).toBeUndefined();
    expect(readImageDimensions(b64(Buffer.from("%PDF-1.7\n...")))).toBeUndefined();
    expect(readImageDimensions(b64(png(0, 0)))).toBeUndefined();
    expect(readImageDimensions(b64(jpeg(640, 480).subarray(0, 30)))).toBeUndefined();
  });
});

describe("base64 helpers", () => {
  test("byte length without decoding", () => {
    expect(base64ByteLength(Buffer.alloc(10).toString("base64"))).toBe(10);
    expect(base64ByteLength(Buffer.alloc(11).toString("base64"))).toBe(11);
    expect(base64ByteLength(Buffer.alloc(12).toString("base64"))).toBe(12);
  });

  test("data URL parsing", () => {
    expect(base64FromDataUrl("data:image/jpeg;base64,QUJD")).toEqual({ mediaType: "image/jpeg", data: "QUJD" });
    expect(base64FromDataUrl("https://example.com/a.png")).toBeUndefined();
    expect(base64FromDataUrl("data:text/plain,hello")).toBeUndefined();
  });
});
