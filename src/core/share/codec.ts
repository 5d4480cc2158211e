import { deflateSync, inflateSync, strFromU8, strToU8 } from "fflate";
import { z } from "zod";
import { checkStated, SIM_DIGITS, type TaskDescriptor } from "../task/descriptor.ts";
import { PROBE_DIGITS } from "../task/separability.ts";

/**
 * Share links: everything that reproduces a ranking without the images, in the URL hash.
 * Format: `#s=<version>.<base64url(deflate(JSON))>`. The descriptor's similarities travel as
 * integers (they are quantised to SIM_DIGITS before ranking), so a link ranks exactly as the page did.
 */
export const SHARE_VERSION = 2;
/** What each older version lacked, for the message that refuses it. */
const OLDER_VERSIONS: Record<number, string> = {
  1: "made before the ranking used the images' domain statistics and class separability, so it cannot reproduce today's ranking",
};
export const SHARE_PARAM = "s";
/** Links name the bundle by a prefix of its hash: short, and collisions would need ~2^48 bundles. */
export const BUNDLE_PREFIX = 12;
const MAX_ENCODED = 8000;

export interface ShareState {
  bundle: string;
  zoo: string;
  descriptor: TaskDescriptor;
  /** Table state: free-text filter, sort column and direction, open model, extra filters. */
  view?: {
    q?: string;
    sort?: { id: string; desc: boolean };
    open?: string;
    filters?: Record<string, string | number | boolean | (string | number)[]>;
  };
  /** Results the person measured on this task (model, value in the zoo's metric), folded into
   * the ranking; absent or empty: none. */
  observed?: { model: string; value: number }[];
}

const Payload = z.object({
  v: z.literal(SHARE_VERSION),
  b: z.string().regex(/^[0-9a-f]{12}$/),
  z: z.string().min(1).max(40),
  /** Image-task keys, in the order of `s`. */
  k: z.array(z.string().min(1).max(60)).min(1).max(64),
  s: z.array(z.number().int().min(-(10 ** SIM_DIGITS)).max(10 ** SIM_DIGITS)),
  n: z.number().int().min(1).max(10_000_000),
  c: z.number().int().min(0).max(1_000_000),
  /** Usable images in the folder (the descriptor's optional `size`); absent in links made before
   * it existed, which then fall back to `n`. */
  u: z.number().int().min(1).max(1_000_000_000).optional(),
  /** Domain statistics as integers: top-1 ×1000, entropy ×1000, shorter side px, grey ×100. */
  d: z.tuple([z.number().int().min(0).max(1000), z.number().int().min(0).max(1000), z.number().int().min(1).max(100_000), z.number().int().min(0).max(100)]).optional(),
  /** Class separability ×100 (null: unlabelled). */
  p: z.number().int().min(-100).max(100).nullable().optional(),
  /** What the person stated of the whole dataset: [images or 0, classes or 0] (absent: nothing). */
  t: z.tuple([z.number().int().min(0).max(1_000_000_000), z.number().int().min(0).max(1_000_000)]).optional(),
  q: z.string().max(200).optional(),
  o: z.tuple([z.string().min(1).max(60), z.union([z.literal(0), z.literal(1)])]).optional(),
  m: z.string().min(1).max(200).optional(),
  /** Measured results: [model id, value] pairs (optional; links without it have none). */
  r: z.array(z.tuple([z.string().min(1).max(200), z.number().finite()])).max(50).optional(),
  f: z.record(z.string().max(40), z.union([z.string().max(200), z.number().finite(), z.boolean(), z.array(z.union([z.string().max(200), z.number().finite()])).max(200)])).optional(),
});

export class ShareLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShareLinkError";
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareLinkError("the link contains characters that a share link never has");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new ShareLinkError("the link's data is not valid base64");
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function encodeShare(state: ShareState): string {
  const keys = Object.keys(state.descriptor.sims);
  const scale = 10 ** SIM_DIGITS;
  const payload: z.infer<typeof Payload> = {
    v: SHARE_VERSION,
    b: state.bundle.slice(0, BUNDLE_PREFIX),
    z: state.zoo,
    k: keys,
    s: keys.map((k) => Math.round(state.descriptor.sims[k] * scale)),
    n: state.descriptor.nImages,
    c: state.descriptor.nClasses,
  };
  if (state.descriptor.size !== undefined) payload.u = state.descriptor.size;
  const dom = state.descriptor.domain;
  if (dom) payload.d = [Math.round(dom.top1 * 1000), Math.round(dom.entropy * 1000), dom.shorter, Math.round(dom.grey * 100)];
  const st = state.descriptor.stated;
  if (st && (st.size !== undefined || st.classes !== undefined)) payload.t = [st.size ?? 0, st.classes ?? 0];
  if (state.descriptor.probe !== undefined) payload.p = state.descriptor.probe === null ? null : Math.round(state.descriptor.probe * 10 ** PROBE_DIGITS);
  const v = state.view ?? {};
  if (v.q) payload.q = v.q;
  if (v.sort) payload.o = [v.sort.id, v.sort.desc ? 1 : 0];
  if (v.open) payload.m = v.open;
  if (v.filters && Object.keys(v.filters).length) payload.f = v.filters;
  if (state.observed?.length) payload.r = state.observed.map((o) => [o.model, o.value]);
  const checked = Payload.parse(payload);
  return `${SHARE_PARAM}=${SHARE_VERSION}.${toBase64Url(deflateSync(strToU8(JSON.stringify(checked)), { level: 9 }))}`;
}

/** Decodes the part after `#`. Never throws anything but ShareLinkError, whose message says
 * what is wrong in words a person can act on. */
export function decodeShare(hash: string): ShareState {
  const text = hash.replace(/^#/, "");
  const prefix = `${SHARE_PARAM}=`;
  if (!text.startsWith(prefix)) throw new ShareLinkError("this is not a Fennec share link (it should start with #s=)");
  const body = text.slice(prefix.length);
  if (body.length > MAX_ENCODED) throw new ShareLinkError("the link is too long to be a share link");
  const dot = body.indexOf(".");
  const version = Number(body.slice(0, dot));
  if (dot < 1 || !Number.isInteger(version)) throw new ShareLinkError("the link has no version; it may have been cut off");
  if (version !== SHARE_VERSION) {
    const why = OLDER_VERSIONS[version] ? ` (${OLDER_VERSIONS[version]})` : "";
    throw new ShareLinkError(`the link is version ${version}${why}; this app reads version ${SHARE_VERSION} links. Ask for a new link.`);
  }
  let json: unknown;
  try {
    const bytes = inflateSync(fromBase64Url(body.slice(dot + 1)), { out: undefined });
    if (bytes.length > 64_000) throw new Error("too large");
    json = JSON.parse(strFromU8(bytes));
  } catch (e) {
    if (e instanceof ShareLinkError) throw e;
    throw new ShareLinkError("the link's data is damaged (it may have been cut off or edited)");
  }
  const res = Payload.safeParse(json);
  if (!res.success) throw new ShareLinkError(`the link's content is invalid (${res.error.issues[0]?.path.join(".") || "root"}: ${res.error.issues[0]?.message})`);
  const p = res.data;
  if (p.k.length !== p.s.length || new Set(p.k).size !== p.k.length) throw new ShareLinkError("the link's task similarities are inconsistent");
  const scale = 10 ** SIM_DIGITS;
  return {
    bundle: p.b,
    zoo: p.z,
    descriptor: {
      nImages: p.n,
      nClasses: p.c,
      ...(p.u !== undefined && { size: p.u }),
      sims: Object.fromEntries(p.k.map((k, i) => [k, p.s[i] / scale])),
      ...(p.d && { domain: { top1: p.d[0] / 1000, entropy: p.d[1] / 1000, shorter: p.d[2], grey: p.d[3] / 100 } }),
      ...(p.p !== undefined && { probe: p.p === null ? null : p.p / 10 ** PROBE_DIGITS }),
      ...(p.t && (p.t[0] > 0 || p.t[1] > 0) && { stated: { ...(p.t[0] > 0 && { size: p.t[0] }), ...(p.t[1] > 0 && { classes: p.t[1] }) } }),
    },
    view: {
      ...(p.q !== undefined && { q: p.q }),
      ...(p.o && { sort: { id: p.o[0], desc: p.o[1] === 1 } }),
      ...(p.m && { open: p.m }),
      ...(p.f && { filters: p.f }),
    },
    ...(p.r && { observed: p.r.map(([model, value]) => ({ model, value })) }),
  };
}

/** Checks a decoded link against the loaded bundle before anything is shown. */
export function checkShareAgainst(state: ShareState, bundleHash: string, zoos: readonly string[], imageTasks: readonly string[]): void {
  if (!bundleHash.startsWith(state.bundle)) {
    throw new ShareLinkError(
      `this link was made with data bundle ${state.bundle}, but this app has bundle ${bundleHash.slice(0, BUNDLE_PREFIX)}; the ranking would differ, so it is not shown. Ask for a new link, or open it on the version of the app that made it.`,
    );
  }
  if (!zoos.includes(state.zoo)) throw new ShareLinkError(`the link names a model zoo "${state.zoo}" that this bundle does not have`);
  const statedProblem = state.descriptor.stated ? checkStated(state.descriptor.stated) : null;
  if (statedProblem) throw new ShareLinkError(`the link's stated dataset facts are invalid (${statedProblem})`);
  const missing = Object.keys(state.descriptor.sims).filter((k) => !imageTasks.includes(k));
  if (missing.length || imageTasks.some((k) => !(k in state.descriptor.sims))) {
    throw new ShareLinkError("the link's task description does not fit this bundle's historical tasks");
  }
}
