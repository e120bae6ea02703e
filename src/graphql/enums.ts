import { registerEnumType } from "type-graphql";
import {
  CpuArchitecture,
  ImageSource,
  ImageVisibility,
  LaunchProblemCode,
  ProblemSeverity,
  ResolutionLevel,
} from "../domain";
import { InstanceState, ServerArrayState, ServerState } from "../entities/states";
import { Role } from "../auth/roles";

registerEnumType(CpuArchitecture, {
  name: "CpuArchitecture",
  description: "The CPU architecture an image is built for and an instance type can run.",
  valuesConfig: {
    I386: { description: "32-bit x86." },
    X86_64: { description: "64-bit x86." },
    ARM64: { description: "64-bit ARM." },
  },
});

registerEnumType(ImageVisibility, {
  name: "ImageVisibility",
  description: "Who can see and use an image.",
  valuesConfig: {
    PUBLIC: { description: "Visible to every account." },
    PRIVATE: { description: "Visible only to the account that owns it, such as a custom image you just built." },
  },
});

registerEnumType(ImageSource, {
  name: "ImageSource",
  description: "Which level of the inheritance chain chose the image.",
  valuesConfig: {
    SERVER_TEMPLATE_DEFAULT_MCI: {
      description: "Inherited: nothing overrides the image and the ServerTemplate's default MultiCloud Image chose it.",
    },
    SERVER_MCI: { description: "The server selected a MultiCloud Image, which chose the image for its cloud." },
    SERVER_ARRAY_MCI: { description: "The server array selected a MultiCloud Image, which chose the image." },
    SERVER_IMAGE: { description: "The server overrides the image directly (untested with its template)." },
    SERVER_ARRAY_IMAGE: { description: "The server array overrides the image directly (untested with its template)." },
  },
});

registerEnumType(ResolutionLevel, {
  name: "ResolutionLevel",
  description: "A level of the image inheritance chain.",
  valuesConfig: {
    SERVER_TEMPLATE: { description: "The ServerTemplate and its default MultiCloud Image." },
    SERVER: { description: "The server's next launch settings." },
    SERVER_ARRAY: { description: "The server array's settings for its next instances." },
  },
});

registerEnumType(ProblemSeverity, {
  name: "ProblemSeverity",
  description: "How serious a launch problem is.",
  valuesConfig: {
    BLOCKING: { description: "Nothing launches while this problem stands." },
    ADVISORY: { description: "A launch may work, but the combination was never tested." },
  },
});

registerEnumType(LaunchProblemCode, {
  name: "LaunchProblemCode",
  description: "Why a launch is refused or risky.",
  valuesConfig: {
    CLOUD_NOT_SUPPORTED: { description: "The chosen MultiCloud Image has no setting for the cloud." },
    UNTESTED_COMBINATION: {
      description: "The image was overridden or the MultiCloud Image is not one of the template's: never tested.",
    },
    ARCHITECTURE_MISMATCH: { description: "The instance type cannot run the image's CPU architecture." },
    WRONG_CLOUD: { description: "The image or instance type belongs to another cloud." },
    NO_MULTI_CLOUD_IMAGE: { description: "The ServerTemplate is published with no MultiCloud Image." },
  },
});

registerEnumType(InstanceState, {
  name: "InstanceState",
  description: "The lifecycle state of a launched instance.",
  valuesConfig: {
    PENDING: { description: "Asked of the cloud, not yet running." },
    OPERATIONAL: { description: "Running." },
    TERMINATING: { description: "Being shut down." },
    TERMINATED: { description: "Gone; kept as history." },
  },
});

registerEnumType(ServerState, {
  name: "ServerState",
  description: "A server's state: its current instance's state, or INACTIVE when it has none.",
  valuesConfig: {
    INACTIVE: { description: "Not launched: no current instance." },
    PENDING: { description: "Its current instance is starting." },
    OPERATIONAL: { description: "Its current instance is running." },
    TERMINATING: { description: "Its current instance is shutting down." },
  },
});

registerEnumType(ServerArrayState, {
  name: "ServerArrayState",
  description: "Whether a server array may launch new instances.",
  valuesConfig: {
    ENABLED: { description: "The array may launch instances, up to its maximum." },
    DISABLED: { description: "The array launches nothing; running instances stay." },
  },
});

registerEnumType(Role, {
  name: "Role",
  description: "What a user may do in an account. Every role may read the account.",
  valuesConfig: {
    OBSERVER: { description: "Reads everything of the account." },
    ACTOR: { description: "Deployments, servers and arrays: create, edit, launch, terminate." },
    DESIGNER: { description: "MultiCloud Images, ServerTemplates and private images." },
    ADMIN: { description: "Users, API tokens, clouds, instance types and public images." },
  },
});
