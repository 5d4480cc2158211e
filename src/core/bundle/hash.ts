import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** JSON with keys sorted at every level: the same content always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(typeof data === "string" ? utf8ToBytes(data) : data));
}

/** The hash of a bundle file is over its canonical JSON without the `hash` field itself. */
export function contentHash(doc: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = doc;
  return sha256Hex(canonicalJson(rest));
}

export function withHash<T extends object>(doc: Omit<T, "hash">): T {
  return { ...doc, hash: contentHash(doc as Record<string, unknown>) } as unknown as T;
}
