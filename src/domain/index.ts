export * from "./types";
export * from "./problems";
export * from "./compatibility";
export * from "./resolve-launch";
export * from "./drift";
