/**
 * DOMAIN.md: `Server.imageDrift` / `Instance.matchesNextLaunch` — running on an image other than the one the next
 * launch would use, compared by image; a server that is not running has no drift.
 * The next launches here are real resolutions of the demo world, so the tests read like the demo's servers.
 */
import { describe, expect, it } from "vitest";
import { hasImageDrift, LaunchedImage, matchesNextLaunch } from "../../src/domain";
import {
  azureEastUs,
  baseLinux32East,
  baseLinux64,
  baseLinux64East,
  baseTemplate64Default,
  c1MediumEast,
  customLinux64East,
  emptyTemplate,
  Launch,
  resolve,
} from "./fixtures";

/** An instance launched, frozen, with this image. */
const runningOn = (image: { id: string }): LaunchedImage => ({ imageId: image.id });

describe.each([
  {
    when: "running on the image the next launch uses (inherited from the default MCI)",
    instance: runningOn(baseLinux32East),
    next: {},
    matches: true,
    drift: false,
  },
  {
    when: "next launch changed only the instance type: same image, no drift",
    instance: runningOn(baseLinux32East),
    next: { instanceType: c1MediumEast },
    matches: true,
    drift: false,
  },
  {
    when: "next launch selects another MCI with the same image: no drift (compared by image)",
    instance: runningOn(baseLinux64East),
    next: { mci: baseLinux64 },
    matches: true,
    drift: false,
  },
  {
    when: "next launch selects the 64-bit MCI while running on the 32-bit image: drift",
    instance: runningOn(baseLinux32East),
    next: { mci: baseLinux64 },
    matches: false,
    drift: true,
  },
  {
    when: "next launch overrides the image with a custom one: drift",
    instance: runningOn(baseLinux32East),
    next: { image: customLinux64East },
    matches: false,
    drift: true,
  },
  {
    when: "the template's default MCI changed after launch: the inheriting server drifts",
    instance: runningOn(baseLinux32East),
    next: { template: baseTemplate64Default },
    matches: false,
    drift: true,
  },
  {
    when: "next launch unresolvable (cloud not supported) while running: drift",
    instance: runningOn(baseLinux32East),
    next: { cloud: azureEastUs },
    matches: false,
    drift: true,
  },
  {
    when: "next launch unresolvable (template without MCIs) while running: drift",
    instance: runningOn(baseLinux32East),
    next: { template: emptyTemplate },
    matches: false,
    drift: true,
  },
] satisfies { when: string; instance: LaunchedImage; next: Launch; matches: boolean; drift: boolean }[])(
  "$when",
  ({ instance, next, matches, drift }) => {
    const resolution = resolve(next);
    it(`matchesNextLaunch is ${matches}`, () => {
      expect(matchesNextLaunch(instance, resolution)).toBe(matches);
    });
    it(`hasImageDrift is ${drift}`, () => {
      expect(hasImageDrift(instance, resolution)).toBe(drift);
    });
  },
);

describe("a server that is not running has no drift", () => {
  it.each([
    { when: "next launch inherits", next: {} },
    { when: "next launch overrides the image", next: { image: customLinux64East } },
    { when: "next launch unresolvable", next: { cloud: azureEastUs } },
  ] satisfies { when: string; next: Launch }[])("$when", ({ next }) => {
    expect(hasImageDrift(null, resolve(next))).toBe(false);
  });
});

describe("array instances launched before a settings change", () => {
  it("each instance is compared with the array's next instance, one by one", () => {
    const next = resolve({ kind: "SERVER_ARRAY", mci: baseLinux64 });
    const before = runningOn(baseLinux32East);
    const after = runningOn(baseLinux64East);
    expect([before, after].map((i) => matchesNextLaunch(i, next))).toEqual([false, true]);
  });
});
