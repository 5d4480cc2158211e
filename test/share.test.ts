import { describe, expect, it } from "vitest";
import { checkShareAgainst, decodeShare, encodeShare, ShareLinkError, type ShareState } from "../src/core/share/codec.ts";

const bundle = "a".repeat(64);
const state: ShareState = {
  bundle,
  zoo: "hub",
  descriptor: { nImages: 480, nClasses: 12, sims: { caltech101: 0.412, cifar10: -0.1, dtd: 0, flowers102: 0.033, stanford_cars: -0.25, diabetic_retinopathy: 0.999 } },
  view: { q: "vit <b>", sort: { id: "params", desc: true }, open: "google/vit-base-patch16-224" },
};

describe("share codec", () => {
  it("round-trips a ranking exactly", () => {
    const code = encodeShare(state);
    const back = decodeShare(`#${code}`);
    expect(back.bundle).toBe(bundle.slice(0, 12));
    expect(back.zoo).toBe("hub");
    expect(back.descriptor).toEqual(state.descriptor);
    expect(back.view).toEqual(state.view);
    expect(code.length).toBeLessThan(400);
    expect(() => checkShareAgainst(back, bundle, ["hub"], Object.keys(state.descriptor.sims))).not.toThrow();
  });

  it("refuses a link made for another bundle, naming both", () => {
    const back = decodeShare(encodeShare(state));
    expect(() => checkShareAgainst(back, "b".repeat(64), ["hub"], Object.keys(state.descriptor.sims))).toThrow(/aaaaaaaaaaaa.*bbbbbbbbbbbb/);
  });

  it.each([
    ["", /not a Fennec share link/],
    ["#s=", /no version/],
    ["#s=3.abc", /version 3/],
    // Version 1 links predate the descriptor's domain statistics: refused, naming the version.
    ["#s=1.abc", /version 1 \(made before/],
    ["#s=2.%%%", /characters/],
    ["#s=2.AAAA", /damaged/],
  ])("rejects %j with a message", (hash, message) => {
    expect(() => decodeShare(hash)).toThrow(ShareLinkError);
    expect(() => decodeShare(hash)).toThrow(message);
  });

  it("rejects truncated and tampered links", () => {
    const code = encodeShare(state);
    for (let cut = 4; cut < code.length; cut += 7) expect(() => decodeShare(code.slice(0, cut))).toThrow(ShareLinkError);
  });
});

describe("share codec: stated dataset facts", () => {
  it("round-trips what the person stated, and refuses a link with impossible facts", () => {
    const stated: ShareState = { ...state, descriptor: { ...state.descriptor, stated: { size: 27000, classes: 10 } } };
    const back = decodeShare(`#${encodeShare(stated)}`);
    expect(back.descriptor.stated).toEqual({ size: 27000, classes: 10 });
    const one: ShareState = { ...state, descriptor: { ...state.descriptor, stated: { classes: 37 } } };
    expect(decodeShare(`#${encodeShare(one)}`).descriptor.stated).toEqual({ classes: 37 });
    const bad = decodeShare(`#${encodeShare({ ...state, descriptor: { ...state.descriptor, stated: { classes: 1 } } })}`);
    expect(() => checkShareAgainst(bad, state.bundle, [state.zoo], Object.keys(state.descriptor.sims))).toThrow(ShareLinkError);
  });
});

describe("share codec: the task's size", () => {
  it("round-trips the optional size, and a link without it decodes without it", () => {
    const withSize: ShareState = { ...state, descriptor: { ...state.descriptor, size: 12345 } };
    const back = decodeShare(`#${encodeShare(withSize)}`);
    expect(back.descriptor).toEqual(withSize.descriptor);
    expect(back.descriptor.size).toBe(12345);
    // Links made before the field existed (version 1, no size) still decode; rankers fall back to nImages.
    const old = decodeShare(`#${encodeShare(state)}`);
    expect(old.descriptor.size).toBeUndefined();
    expect(old.descriptor).toEqual(state.descriptor);
  });
});
