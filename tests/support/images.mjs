// The fit tests' images, made by the fit crate's example (nothing large is committed): built
// once into build/fit-images (`make fit-images`), with the 12 MP and 20 MP photos.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");
export const imageDir = join(root, "build/fit-images");

export function ensureImages() {
  if (!existsSync(join(imageDir, "photo-20mp-progressive.jpg"))) {
    execFileSync("cargo", ["run", "-q", "-p", "ctct-mylibrary-fit", "--example", "make-images", "--", imageDir, "--big"], { cwd: root, stdio: "inherit" });
  }
}

export const image = (name) => new Uint8Array(readFileSync(join(imageDir, name)));

/** Width, height and kind of a JPEG (its SOF) or a PNG (its IHDR; `alpha` for colour type 6). */
export function dimensions(bytes) {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    return { type: "png", width: v.getUint32(16), height: v.getUint32(20), alpha: bytes[25] === 6 || bytes[25] === 4 };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1];
      const len = (bytes[i + 2] << 8) | bytes[i + 3];
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { type: "jpeg", height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8], alpha: false };
      }
      i += 2 + len;
    }
  }
  return null;
}
