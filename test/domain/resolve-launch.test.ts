/**
 * DOMAIN.md "The resolution rules", one case per rule sentence, for a Server's next launch and a ServerArray's
 * next instance alike. Every case states the whole visible outcome: image, instance type, MCI, image source,
 * tested, launchable, problems with their severities, and which level of the chain decided what.
 */
import { describe, expect, it } from "vitest";
import {
  chosenMultiCloudImageId,
  ImageFacts,
  ImageSource,
  InstanceTypeFacts,
  isBlocking,
  LaunchableKind,
  LaunchProblemCode,
  multiCloudImageIdsInChain,
  ProblemSeverity,
  resolveLaunch,
  ResolutionLevel,
} from "../../src/domain";
import {
  awsUsEast,
  awsUsWest,
  azureEastUs,
  baseLinux32,
  baseLinux32East,
  baseLinux32West,
  baseLinux64,
  baseLinux64East,
  baseLinux64West,
  baseTemplate,
  baseTemplate64Default,
  c1MediumEast,
  customLinux64,
  customLinux64East,
  Decided,
  decidedBy,
  emptyTemplate,
  Launch,
  launchInput,
  m1LargeEast,
  m1SmallEast,
  m1SmallWest,
  Mci,
  mci,
  problem,
  problemsOf,
  resolve,
  ubuntuAzure,
} from "./fixtures";

const { BLOCKING, ADVISORY } = ProblemSeverity;
const CLOUD_NOT_SUPPORTED = problem(LaunchProblemCode.CLOUD_NOT_SUPPORTED, BLOCKING);
const WRONG_CLOUD = problem(LaunchProblemCode.WRONG_CLOUD, BLOCKING);
const ARCHITECTURE_MISMATCH = problem(LaunchProblemCode.ARCHITECTURE_MISMATCH, BLOCKING);
const NO_MULTI_CLOUD_IMAGE = problem(LaunchProblemCode.NO_MULTI_CLOUD_IMAGE, BLOCKING);
const UNTESTED_COMBINATION = problem(LaunchProblemCode.UNTESTED_COMBINATION, ADVISORY);

/** Where the image came from, independent of kind: the template's default MCI, the own MCI, the own image. */
type Source = "default" | "mci" | "image" | null;

/** What differs between a Server and a ServerArray: their own level's name and image sources. */
const kinds: { kind: LaunchableKind; level: ResolutionLevel; sources: Record<Exclude<Source, null>, ImageSource> }[] = [
  {
    kind: "SERVER",
    level: ResolutionLevel.SERVER,
    sources: {
      default: ImageSource.SERVER_TEMPLATE_DEFAULT_MCI,
      mci: ImageSource.SERVER_MCI,
      image: ImageSource.SERVER_IMAGE,
    },
  },
  {
    kind: "SERVER_ARRAY",
    level: ResolutionLevel.SERVER_ARRAY,
    sources: {
      default: ImageSource.SERVER_TEMPLATE_DEFAULT_MCI,
      mci: ImageSource.SERVER_ARRAY_MCI,
      image: ImageSource.SERVER_ARRAY_IMAGE,
    },
  },
];

interface Case {
  rule: string;
  launch: Omit<Launch, "kind">;
  image: ImageFacts | null;
  instanceType: InstanceTypeFacts | null;
  multiCloudImage: Mci | null;
  source: Source;
  tested: boolean;
  launchable: boolean;
  problems: string[];
  /** What the SERVER_TEMPLATE step decided. */
  templateDecided: Decided[];
  /** What the launchable's own step (SERVER or SERVER_ARRAY) decided. */
  ownDecided: Decided[];
}

const all: Decided[] = ["multiCloudImage", "image", "instanceType"];

const cases: Case[] = [
  // Rule 1 + 5: nothing overridden, the template's default MCI chooses.
  {
    rule: "inherits image and instance type from the template's default MCI",
    launch: {},
    image: baseLinux32East,
    instanceType: m1SmallEast,
    multiCloudImage: baseLinux32,
    source: "default",
    tested: true,
    launchable: true,
    problems: [],
    templateDecided: all,
    ownDecided: [],
  },
  // Rule 2: the setting for cloud C, not another cloud's.
  {
    rule: "uses the MCI's setting for its own cloud (AWS us-west-1)",
    launch: { cloud: awsUsWest },
    image: baseLinux32West,
    instanceType: m1SmallWest,
    multiCloudImage: baseLinux32,
    source: "default",
    tested: true,
    launchable: true,
    problems: [],
    templateDecided: all,
    ownDecided: [],
  },
  // Rule 1 + 5 + 6: a selected MCI that is one of the template's.
  {
    rule: "selects a listed MCI: the MCI chooses, tested",
    launch: { mci: baseLinux64 },
    image: baseLinux64East,
    instanceType: m1LargeEast,
    multiCloudImage: baseLinux64,
    source: "mci",
    tested: true,
    launchable: true,
    problems: [],
    templateDecided: [],
    ownDecided: all,
  },
  {
    rule: "selects the template's default MCI explicitly: still the launchable's own MCI",
    launch: { mci: baseLinux32 },
    image: baseLinux32East,
    instanceType: m1SmallEast,
    multiCloudImage: baseLinux32,
    source: "mci",
    tested: true,
    launchable: true,
    problems: [],
    templateDecided: [],
    ownDecided: all,
  },
  // Rule 6: an MCI the template is not published with was never tested, but may launch.
  {
    rule: "selects an unlisted MCI: untested (advisory), still launchable",
    launch: { mci: customLinux64 },
    image: customLinux64East,
    instanceType: m1LargeEast,
    multiCloudImage: customLinux64,
    source: "mci",
    tested: false,
    launchable: true,
    problems: [UNTESTED_COMBINATION],
    templateDecided: [],
    ownDecided: all,
  },
  // Rule 3 + 5 + 6: an image override wins and is never tested.
  {
    rule: "overrides the image: the override is the image, untested, instance type still from the MCI",
    launch: { image: customLinux64East },
    image: customLinux64East,
    instanceType: m1SmallEast,
    multiCloudImage: baseLinux32,
    source: "image",
    tested: false,
    launchable: true,
    problems: [UNTESTED_COMBINATION],
    templateDecided: ["multiCloudImage", "instanceType"],
    ownDecided: ["image"],
  },
  {
    rule: "overrides the image of a selected MCI: the image override is the source",
    launch: { mci: baseLinux64, image: customLinux64East },
    image: customLinux64East,
    instanceType: m1LargeEast,
    multiCloudImage: baseLinux64,
    source: "image",
    tested: false,
    launchable: true,
    problems: [UNTESTED_COMBINATION],
    templateDecided: [],
    ownDecided: all,
  },
  // Rule 4 (+ 6: an instance type override does not make the combination untested).
  {
    rule: "overrides the instance type: type from the override, image still from the default MCI",
    launch: { instanceType: c1MediumEast },
    image: baseLinux32East,
    instanceType: c1MediumEast,
    multiCloudImage: baseLinux32,
    source: "default",
    tested: true,
    launchable: true,
    problems: [],
    templateDecided: ["multiCloudImage", "image"],
    ownDecided: ["instanceType"],
  },
  // Rule 2: no setting for C.
  {
    rule: "cloud not supported by the default MCI: no image, blocking",
    launch: { cloud: azureEastUs },
    image: null,
    instanceType: null,
    multiCloudImage: baseLinux32,
    source: null,
    tested: true,
    launchable: false,
    problems: [CLOUD_NOT_SUPPORTED],
    templateDecided: ["multiCloudImage"],
    ownDecided: [],
  },
  {
    rule: "cloud not supported by the selected MCI: no image, blocking",
    launch: { cloud: azureEastUs, mci: baseLinux64 },
    image: null,
    instanceType: null,
    multiCloudImage: baseLinux64,
    source: null,
    tested: true,
    launchable: false,
    problems: [CLOUD_NOT_SUPPORTED],
    templateDecided: [],
    ownDecided: ["multiCloudImage"],
  },
  {
    rule: "cloud not supported, image overridden: the override still shows, nothing launches",
    launch: { cloud: azureEastUs, image: ubuntuAzure },
    image: ubuntuAzure,
    instanceType: null,
    multiCloudImage: baseLinux32,
    source: "image",
    tested: false,
    launchable: false,
    problems: [CLOUD_NOT_SUPPORTED, UNTESTED_COMBINATION],
    templateDecided: ["multiCloudImage"],
    ownDecided: ["image"],
  },
  // Rule 7: wrong cloud.
  {
    rule: "image override from another cloud: WRONG_CLOUD blocks",
    launch: { image: baseLinux64West },
    image: baseLinux64West,
    instanceType: m1SmallEast,
    multiCloudImage: baseLinux32,
    source: "image",
    tested: false,
    launchable: false,
    problems: [UNTESTED_COMBINATION, WRONG_CLOUD],
    templateDecided: ["multiCloudImage", "instanceType"],
    ownDecided: ["image"],
  },
  {
    rule: "instance type override from another cloud: WRONG_CLOUD blocks",
    launch: { instanceType: m1SmallWest },
    image: baseLinux32East,
    instanceType: m1SmallWest,
    multiCloudImage: baseLinux32,
    source: "default",
    tested: true,
    launchable: false,
    problems: [WRONG_CLOUD],
    templateDecided: ["multiCloudImage", "image"],
    ownDecided: ["instanceType"],
  },
  // Rule 7: architecture.
  {
    rule: "m1.large (X86_64 only) with the default 32-bit image: ARCHITECTURE_MISMATCH blocks",
    launch: { instanceType: m1LargeEast },
    image: baseLinux32East,
    instanceType: m1LargeEast,
    multiCloudImage: baseLinux32,
    source: "default",
    tested: true,
    launchable: false,
    problems: [ARCHITECTURE_MISMATCH],
    templateDecided: ["multiCloudImage", "image"],
    ownDecided: ["instanceType"],
  },
  {
    rule: "a 32-bit image override on the 64-bit MCI's m1.large: ARCHITECTURE_MISMATCH blocks",
    launch: { mci: baseLinux64, image: baseLinux32East },
    image: baseLinux32East,
    instanceType: m1LargeEast,
    multiCloudImage: baseLinux64,
    source: "image",
    tested: false,
    launchable: false,
    problems: [ARCHITECTURE_MISMATCH, UNTESTED_COMBINATION],
    templateDecided: [],
    ownDecided: all,
  },
  // Rule 7: a template without MCIs.
  {
    rule: "template without MCIs: NO_MULTI_CLOUD_IMAGE blocks, nothing resolves",
    launch: { template: emptyTemplate },
    image: null,
    instanceType: null,
    multiCloudImage: null,
    source: null,
    tested: false,
    launchable: false,
    problems: [NO_MULTI_CLOUD_IMAGE, UNTESTED_COMBINATION],
    templateDecided: [],
    ownDecided: [],
  },
  {
    rule: "template without MCIs blocks even when the overrides name a compatible image and type",
    launch: { template: emptyTemplate, image: customLinux64East, instanceType: m1LargeEast },
    image: customLinux64East,
    instanceType: m1LargeEast,
    multiCloudImage: null,
    source: "image",
    tested: false,
    launchable: false,
    problems: [NO_MULTI_CLOUD_IMAGE, UNTESTED_COMBINATION],
    templateDecided: [],
    ownDecided: ["image", "instanceType"],
  },
];

describe.each(kinds)("resolveLaunch for a $kind", ({ kind, level, sources }) => {
  it.each(cases)("$rule", (c) => {
    const r = resolve({ ...c.launch, kind });

    expect(r.image).toBe(c.image);
    expect(r.instanceType).toBe(c.instanceType);
    expect(r.multiCloudImage).toBe(c.multiCloudImage?.multiCloudImage ?? null);
    expect(r.imageSource).toBe(c.source === null ? null : sources[c.source]);
    expect(r.tested).toBe(c.tested);
    expect(r.launchable).toBe(c.launchable);
    expect(problemsOf(r)).toEqual([...c.problems].sort());

    expect(r.steps.map((s) => s.level)).toEqual([ResolutionLevel.SERVER_TEMPLATE, level]);
    expect(decidedBy(r.steps[0])).toEqual(c.templateDecided);
    expect(decidedBy(r.steps[1])).toEqual(c.ownDecided);
  });

  // Rule 8, over every case above.
  it.each(cases)("launchable exactly when no problem is blocking: $rule", (c) => {
    const r = resolve({ ...c.launch, kind });
    expect(r.launchable).toBe(!r.problems.some(isBlocking));
  });

  // Rule 6, over every case above: untested always comes with its advisory, and only then.
  it.each(cases)("UNTESTED_COMBINATION exactly when not tested: $rule", (c) => {
    const r = resolve({ ...c.launch, kind });
    expect(r.problems.some((p) => p.code === LaunchProblemCode.UNTESTED_COMBINATION)).toBe(!r.tested);
  });
});

describe("resolution steps say what each level names", () => {
  it("the template step shows its default MCI's setting even when the launchable selected another MCI", () => {
    const [templateStep, serverStep] = resolve({ mci: baseLinux64 }).steps;
    expect(templateStep).toMatchObject({
      multiCloudImage: baseLinux32.multiCloudImage,
      image: baseLinux32East,
      instanceType: m1SmallEast,
    });
    expect(serverStep).toMatchObject({
      multiCloudImage: baseLinux64.multiCloudImage,
      image: baseLinux64East,
      instanceType: m1LargeEast,
    });
  });

  it("the launchable's step shows its overrides and no MCI when it selects none", () => {
    const [, arrayStep] = resolve({ kind: "SERVER_ARRAY", image: customLinux64East, instanceType: c1MediumEast }).steps;
    expect(arrayStep).toMatchObject({
      level: ResolutionLevel.SERVER_ARRAY,
      multiCloudImage: null,
      image: customLinux64East,
      instanceType: c1MediumEast,
    });
  });

  it("a step of a launchable that overrides nothing names nothing", () => {
    const [, serverStep] = resolve().steps;
    expect(serverStep).toMatchObject({ multiCloudImage: null, image: null, instanceType: null });
  });

  it("the template step of a template without MCIs names nothing", () => {
    const [templateStep] = resolve({ template: emptyTemplate }).steps;
    expect(templateStep).toMatchObject({ multiCloudImage: null, image: null, instanceType: null });
  });
});

describe("problem messages say what is wrong", () => {
  it.each([
    { problem: "CLOUD_NOT_SUPPORTED", launch: { cloud: azureEastUs }, mentions: ["Base Linux 32-bit", "Azure East US"] },
    { problem: "WRONG_CLOUD", launch: { image: baseLinux64West }, mentions: ["ami-0a44d1b7", "AWS us-east-1"] },
    { problem: "WRONG_CLOUD", launch: { instanceType: m1SmallWest }, mentions: ["m1.small", "AWS us-east-1"] },
    { problem: "ARCHITECTURE_MISMATCH", launch: { instanceType: m1LargeEast }, mentions: ["m1.large", "ami-0f2a9c3e", "I386"] },
    { problem: "NO_MULTI_CLOUD_IMAGE", launch: { template: emptyTemplate }, mentions: ["Unpublished ServerTemplate"] },
    { problem: "UNTESTED_COMBINATION", launch: { mci: customLinux64 }, mentions: ["Custom Linux 64-bit"] },
    { problem: "UNTESTED_COMBINATION", launch: { image: customLinux64East }, mentions: ["ami-c0ffee01"] },
  ] satisfies { problem: keyof typeof LaunchProblemCode; launch: Launch; mentions: string[] }[])(
    "$problem names $mentions",
    ({ problem: code, launch, mentions }) => {
      const found = resolve(launch).problems.find((p) => p.code === code);
      expect(found).toBeDefined();
      for (const word of mentions) expect(found!.message).toContain(word);
    },
  );
});

describe("resolution is computed from what is there now", () => {
  it("a new template default MCI is seen by an inheriting server, not by one that selected its MCI", () => {
    expect(resolve({ template: baseTemplate64Default }).image).toBe(baseLinux64East);
    expect(resolve({ template: baseTemplate64Default, mci: baseLinux32 }).image).toBe(baseLinux32East);
  });

  it("a changed MCI setting is seen by every launchable that inherits it", () => {
    const rebuilt: ImageFacts = { ...baseLinux32East, id: "img-base32-east-v2", resourceUid: "ami-5d5d5d5d" };
    const input = launchInput();
    const changed = mci(
      baseLinux32.multiCloudImage.id,
      baseLinux32.multiCloudImage.name,
      [awsUsEast, rebuilt, m1SmallEast],
    );
    const r = resolveLaunch({ ...input, multiCloudImages: new Map([[changed.multiCloudImage.id, changed]]) });
    expect(r.image).toBe(rebuilt);
    expect(r.imageSource).toBe(ImageSource.SERVER_TEMPLATE_DEFAULT_MCI);
  });

  it("refuses to guess when an MCI of the chain was not loaded (a bug in the caller)", () => {
    const input = launchInput({ mci: baseLinux64 });
    expect(() => resolveLaunch({ ...input, multiCloudImages: new Map() })).toThrow(/not loaded/);
  });
});

describe("chosenMultiCloudImageId (rule 1)", () => {
  const none = { multiCloudImageId: null, imageId: null, instanceTypeId: null };
  it.each([
    { when: "nothing selected: the template's default", settings: none, template: baseTemplate, chosen: "mci-base32" },
    {
      when: "an MCI selected: that one",
      settings: { ...none, multiCloudImageId: "mci-base64" },
      template: baseTemplate,
      chosen: "mci-base64",
    },
    {
      when: "an unlisted MCI selected: that one",
      settings: { ...none, multiCloudImageId: "mci-custom64" },
      template: baseTemplate,
      chosen: "mci-custom64",
    },
    {
      when: "an image override does not change the MCI",
      settings: { ...none, imageId: "img-custom64-east" },
      template: baseTemplate,
      chosen: "mci-base32",
    },
    { when: "template without MCIs, nothing selected: none", settings: none, template: emptyTemplate, chosen: null },
  ])("$when", ({ settings, template, chosen }) => {
    expect(chosenMultiCloudImageId(settings, template)).toBe(chosen);
  });
});

describe("multiCloudImageIdsInChain", () => {
  const none = { multiCloudImageId: null, imageId: null, instanceTypeId: null };
  it.each([
    { when: "inheriting: the template's default", settings: none, template: baseTemplate, ids: ["mci-base32"] },
    {
      when: "selecting another MCI: the selection, then the template's default",
      settings: { ...none, multiCloudImageId: "mci-base64" },
      template: baseTemplate,
      ids: ["mci-base64", "mci-base32"],
    },
    {
      when: "selecting the default itself: once",
      settings: { ...none, multiCloudImageId: "mci-base32" },
      template: baseTemplate,
      ids: ["mci-base32"],
    },
    { when: "template without MCIs, nothing selected: none", settings: none, template: emptyTemplate, ids: [] },
    {
      when: "template without MCIs, an MCI selected: the selection",
      settings: { ...none, multiCloudImageId: "mci-custom64" },
      template: emptyTemplate,
      ids: ["mci-custom64"],
    },
  ])("$when", ({ settings, template, ids }) => {
    expect(multiCloudImageIdsInChain(settings, template)).toEqual(ids);
  });
});

describe("a template whose MCIs have no default (the database forbids it)", () => {
  it("is blocked by NO_MULTI_CLOUD_IMAGE rather than passing for launchable", async () => {
    const { resolveLaunch } = await import("../../src/domain");
    const cloud = { id: "c1", name: "AWS us-east-1" };
    const result = resolveLaunch({
      kind: "SERVER",
      cloud,
      settings: { multiCloudImageId: null, imageId: null, instanceTypeId: null },
      template: { id: "t1", name: "Broken", multiCloudImageIds: ["m1"], defaultMultiCloudImageId: null },
      multiCloudImages: new Map(),
      imageOverride: null,
      instanceTypeOverride: null,
    });
    expect(result.launchable).toBe(false);
    expect(result.image).toBeNull();
    expect(result.problems.map((p) => `${p.code} ${p.severity}`)).toContain("NO_MULTI_CLOUD_IMAGE BLOCKING");
  });
});
