export * from "./types";
export * from "./problems";
export * from "./resolve-launch";
export * from "./drift";
