/**
 * Fuzzing what arrives from outside: share links (the URL hash anyone can edit) and bundle files.
 * Seeded, so a failure names a case that reproduces. Properties:
 * - decodeShare / checkShareAgainst throw nothing but ShareLinkError, with a message;
 * - whatever decodeShare returns is well-formed, re-encodes to the same state, and, when it fits
 *   the bundle, ranks every model to a finite score;
 * - a bundle file whose content no longer matches its hash, or whose shape is wrong, is refused
 *   with a BundleError, and nothing else is thrown.
 */
import { deflateSync, inflateSync, strToU8 } from "fflate";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { withHash } from "../src/core/bundle/hash.ts";
import { BundleError, validateManifest, validateZoo } from "../src/core/bundle/validate.ts";
import { mulberry32 } from "../src/core/math/random.ts";
import { rankZoo } from "../src/core/ranking.ts";
import { checkShareAgainst, decodeShare, encodeShare, ShareLinkError, type ShareState } from "../src/core/share/codec.ts";

const dir = resolve(import.meta.dirname, "../public/bundles");
const read = (f: string) => JSON.parse(readFileSync(resolve(dir, f), "utf8"));
const manifest = validateManifest(read("manifest.json"));
const zoos = Object.fromEntries(manifest.zoos.map((z) => [z.id, validateZoo(read(z.file), z.file)]));
const zooIds = manifest.zoos.map((z) => z.id);
const taskKeys = manifest.imageTasks.map((t) => t.key);

const rand = mulberry32(20240601);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const toB64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const STRINGS = ["", "a", "hub", "classic", "timm", "NaN", "Infinity", "-Infinity", "1e309", "-0", "null", "undefined", "__proto__", "constructor", "toString", "<script>alert(1)</script>", "🦊🦋", "é\u0301", "\u0000", "\uD800", "\u202Egnp.exe", "x".repeat(41), "x".repeat(61), "x".repeat(201), "a".repeat(5000)];
const NUMBERS = [0, -0, 1, -1, 0.5, 999, 1000, 1001, -1000, -1001, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 10_000_000, 10_000_001, 1_000_000_000, 1_000_000_001];

function randomString(): string {
  if (rand() < 0.6) return pick(STRINGS);
  const len = int(20);
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCodePoint(pick([0x20 + int(95), 0xa0 + int(0x500), 0x1f300 + int(0x200), int(0x20)]));
  return s;
}

/** Any JSON value, biased towards what the payload fields almost are. */
function randomValue(depth = 0): unknown {
  const r = rand();
  if (r < 0.25) return pick(NUMBERS) * (rand() < 0.1 ? 1.5 : 1);
  if (r < 0.45) return randomString();
  if (r < 0.5) return rand() < 0.5;
  if (r < 0.55) return null;
  if (r < 0.75 && depth < 3) return Array.from({ length: int(rand() < 0.1 ? 80 : 6) }, () => randomValue(depth + 1));
  if (depth < 3) return Object.fromEntries(Array.from({ length: int(5) }, () => [randomString(), randomValue(depth + 1)]));
  return int(10);
}

/** A valid link's state: real zoos and task keys, random numbers and view. */
function randomState(): ShareState {
  const sims = Object.fromEntries(taskKeys.map((k) => [k, Math.round((rand() * 2 - 1) * 1000) / 1000]));
  const view: ShareState["view"] = {};
  if (rand() < 0.5) view.q = randomString().slice(0, 200) || "vit";
  if (rand() < 0.5) view.sort = { id: pick(["score", "params", "name"]), desc: rand() < 0.5 };
  if (rand() < 0.3) view.open = pick(zoos.hub.models).id;
  if (rand() < 0.3) view.filters = { family: pick(["vit", "resnet"]), min: int(100), tags: ["a", 2] };
  return {
    bundle: manifest.hash,
    zoo: pick(zooIds),
    descriptor: { nImages: 1 + int(500), nClasses: int(50), ...(rand() < 0.5 && { size: 1 + int(1e6) }), sims },
    view,
  };
}

const VALID = Array.from({ length: 1500 }, () => `#${encodeShare(randomState())}`);

/** A payload object near the real one, with some fields replaced by anything. */
function randomPayload(): unknown {
  const valid = JSON.parse(Buffer.from(inflateLink(pick(VALID))).toString("utf8")) as Record<string, unknown>;
  const fields = ["v", "b", "z", "k", "s", "n", "c", "u", "q", "o", "m", "f", "extra", "__proto__"];
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) {
    const f = pick(fields);
    if (rand() < 0.2) delete valid[f];
    else Object.defineProperty(valid, f, { value: randomValue(), enumerable: true, configurable: true, writable: true });
  }
  if (rand() < 0.1) return randomValue();
  return valid;
}

function inflateLink(link: string): Uint8Array {
  const body = link.slice(link.indexOf(".") + 1);
  return inflateSync(new Uint8Array(Buffer.from(body, "base64url")));
}

const linkOf = (payload: unknown, version = "1") => `#s=${version}.${toB64Url(deflateSync(strToU8(typeof payload === "string" ? payload : JSON.stringify(payload))))}`;

function mutate(link: string): string {
  const kind = int(8);
  const chars = [...link];
  const at = 4 + int(Math.max(1, chars.length - 4));
  switch (kind) {
    case 0: // cut off
      return link.slice(0, int(link.length));
    case 1: {
      // flip bits: swap body characters for other base64url characters
      for (let i = 0, n = 1 + int(4); i < n; i++) chars[4 + int(Math.max(1, chars.length - 4))] = pick([...B64]);
      return chars.join("");
    }
    case 2: // insert odd characters
      chars.splice(at, 0, pick(["%", "=", "+", "/", " ", "🦊", "\u0000", ".", "#", "é", "%20"]));
      return chars.join("");
    case 3: // delete a run
      chars.splice(at, 1 + int(5));
      return chars.join("");
    case 4: // another version or prefix
      return pick(["#s=3.", "#s=0.", "#s=01.", "#s=1e0.", "#s=-1.", "#s=NaN.", "#s=1.5.", "#s=.", "#S=1.", "#t=1.", "s=1.", "#s=1..", "#s= 1."]) + link.slice(link.indexOf(".") + 1);
    case 5: // duplicate the body (too long, or garbage after the stream)
      return link + link.slice(link.indexOf(".") + 1).repeat(1 + int(60));
    case 6: // a decompression bomb of valid base64
      return linkOf(`{"v":1,"q":"${"a".repeat(65_000 + int(200_000))}"}`);
    default: // random text
      return "#" + randomString();
  }
}

/** Whatever decodeShare returns must have this shape. */
function checkWellFormed(s: ShareState): void {
  expect(s.bundle).toMatch(/^[0-9a-f]{12}$/);
  expect(typeof s.zoo).toBe("string");
  expect(s.zoo.length).toBeGreaterThan(0);
  const d = s.descriptor;
  expect(Number.isInteger(d.nImages) && d.nImages >= 1).toBe(true);
  expect(Number.isInteger(d.nClasses) && d.nClasses >= 0).toBe(true);
  if (d.size !== undefined) expect(Number.isInteger(d.size) && d.size >= 1).toBe(true);
  expect(Object.getPrototypeOf(d.sims)).toBe(Object.prototype);
  const keys = Object.keys(d.sims);
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) expect(Number.isFinite(d.sims[k]) && Math.abs(d.sims[k]) <= 1).toBe(true);
  const v = s.view ?? {};
  if (v.q !== undefined) expect(typeof v.q).toBe("string");
  if (v.sort) expect([typeof v.sort.id, typeof v.sort.desc]).toEqual(["string", "boolean"]);
  if (v.open !== undefined) expect(typeof v.open).toBe("string");
  if (v.filters) {
    expect(Object.getPrototypeOf(v.filters)).toBe(Object.prototype);
    for (const x of Object.values(v.filters)) expect(["string", "number", "boolean", "object"]).toContain(typeof x);
  }
}

describe("share links under fuzzing", () => {
  it("10,000+ random, cut, edited and hostile links: only ShareLinkError, and every result is well-formed", () => {
    const tally = { cases: 0, refused: 0, decoded: 0, fitBundle: 0 };
    const messages = new Map<string, number>();
    const tryLink = (link: string, label: string) => {
      tally.cases++;
      let state: ShareState;
      try {
        state = decodeShare(link);
      } catch (e) {
        if (!(e instanceof ShareLinkError)) throw new Error(`case ${tally.cases} (${label}): ${String(e)} for ${JSON.stringify(link.slice(0, 300))}`);
        expect(e.message.length).toBeGreaterThan(10);
        tally.refused++;
        const key = e.message.replace(/\(.*\)|\d+|"[^"]*"/g, "…").slice(0, 60);
        messages.set(key, (messages.get(key) ?? 0) + 1);
        return;
      }
      tally.decoded++;
      checkWellFormed(state);
      // What decodes re-encodes to the same state (up to what a link cannot tell apart: an empty
      // search or filter set and no search or filters at all, -0 and 0).
      const plain = (x: ShareState) => {
        const view = { ...x.view };
        if (!view.q) delete view.q;
        if (view.filters && !Object.keys(view.filters).length) delete view.filters;
        return JSON.parse(JSON.stringify({ ...x, view }));
      };
      expect(plain(decodeShare(encodeShare(state)))).toEqual(plain(state));
      try {
        checkShareAgainst(state, manifest.hash, zooIds, taskKeys);
      } catch (e) {
        if (!(e instanceof ShareLinkError)) throw new Error(`case ${tally.cases} (${label}): checkShareAgainst threw ${String(e)}`);
        return;
      }
      tally.fitBundle++;
      if (tally.fitBundle % 4 !== 0) return; // ranking is the slow part: every fourth is enough
      const { ranking } = rankZoo(zoos[state.zoo], state.descriptor);
      expect(ranking.length).toBe(zoos[state.zoo].models.length);
      expect(ranking.every((r) => Number.isFinite(r.score))).toBe(true);
    };

    for (const link of VALID) tryLink(link, "valid");
    for (let i = 0; i < 6000; i++) tryLink(mutate(pick(VALID)), "mutated");
    for (let i = 0; i < 3000; i++) tryLink(linkOf(randomPayload()), "payload");
    for (let i = 0; i < 300; i++) tryLink(linkOf(randomValue()), "any JSON");
    for (let i = 0; i < 200; i++) tryLink(linkOf(randomString()), "not JSON");
    // Every valid link fits the bundle it was made for; one made for another bundle never does.
    const other = { ...randomState(), bundle: "0".repeat(64) };
    expect(() => checkShareAgainst(decodeShare(encodeShare(other)), manifest.hash, zooIds, taskKeys)).toThrow(/data bundle 000000000000/);

    console.log(`share fuzz: ${JSON.stringify(tally)}; refusals: ${[...messages].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${n}× ${m}`).join(" | ")}`);
    expect(tally.cases).toBeGreaterThanOrEqual(10_000);
    expect(tally.fitBundle).toBeGreaterThanOrEqual(1500);
    expect(tally.refused).toBeGreaterThan(5000);
  });
});

describe("bundle files under fuzzing", () => {
  /** Changes one value somewhere in a JSON document (or removes it, or adds a key). */
  function mutateDoc(doc: unknown): void {
    let node = doc as Record<string, unknown>;
    for (;;) {
      const keys = Object.keys(node);
      if (!keys.length) return;
      const k = pick(keys);
      const child = node[k];
      if (child && typeof child === "object" && rand() < 0.8) {
        node = child as Record<string, unknown>;
        continue;
      }
      const r = rand();
      if (Array.isArray(node) && r < 0.1) node.splice(Number(k), 1);
      else if (r < 0.15 && !Array.isArray(node)) delete node[k];
      else if (r < 0.2 && !Array.isArray(node)) node[`${k}_extra`] = 1;
      else if (typeof child === "number") node[k] = pick([child + 1e-3, -child, child * 10, Number.NaN, null, String(child)]);
      else if (typeof child === "string") node[k] = pick([`${child}x`, "", 1, null]);
      else node[k] = randomValue(2);
      return;
    }
  }

  it("a changed file is refused (BundleError) unless its hash is recomputed and its shape still holds", () => {
    const files = ["manifest.json", ...manifest.zoos.map((z) => z.file)];
    const originals = Object.fromEntries(files.map((f) => [f, readFileSync(resolve(dir, f), "utf8")]));
    let refused = 0;
    let rehashedAccepted = 0;
    for (let i = 0; i < 120; i++) {
      const file = files[i % files.length];
      const doc = JSON.parse(originals[file]);
      mutateDoc(doc);
      const validate = file === "manifest.json" ? validateManifest : (raw: unknown) => validateZoo(raw, file);
      const unchanged = JSON.stringify(doc) === JSON.stringify(JSON.parse(originals[file]));
      try {
        validate(doc);
        expect(unchanged, `case ${i}: a changed ${file} was accepted with its old hash`).toBe(true);
      } catch (e) {
        if (!(e instanceof BundleError)) throw new Error(`case ${i} (${file}): ${String(e)}`);
        refused++;
      }
      // With the hash recomputed, only the schema stands between the file and the app.
      try {
        validate(withHash(doc));
        rehashedAccepted++;
      } catch (e) {
        if (!(e instanceof BundleError)) throw new Error(`case ${i} (${file}, rehashed): ${String(e)}`);
      }
    }
    console.log(`bundle fuzz: 120 mutated files, ${refused} refused with the old hash, ${rehashedAccepted} still valid once rehashed`);
    expect(refused).toBeGreaterThan(100);
  });
});
