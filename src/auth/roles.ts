/**
 * Roles of a user in an account, as in RightScale. Every role can read its account; writes need the role
 * that owns them (see MUTATION_ROLES).
 */
export enum Role {
  /** Reads everything of the account. */
  OBSERVER = "OBSERVER",
  /** Manages deployments, servers and arrays: create, edit, launch, terminate. */
  ACTOR = "ACTOR",
  /** Designs MultiCloud Images, ServerTemplates and private images. */
  DESIGNER = "DESIGNER",
  /** Manages users, API tokens, clouds, instance types and public images. */
  ADMIN = "ADMIN",
}

export const ALL_ROLES = Object.values(Role);

/**
 * The role each mutation needs: one table, so that a test can check that no mutation is left unguarded.
 * `registerImage` and `deleteImage` need DESIGNER for private images and ADMIN for public ones; the use case
 * checks that finer rule, this table the coarse one.
 */
export const MUTATION_ROLES: Record<string, Role> = {
  registerCloud: Role.ADMIN,
  registerInstanceType: Role.ADMIN,
  registerImage: Role.DESIGNER,
  deleteImage: Role.DESIGNER,
  createMultiCloudImage: Role.DESIGNER,
  updateMultiCloudImage: Role.DESIGNER,
  setMultiCloudImageSetting: Role.DESIGNER,
  removeMultiCloudImageSetting: Role.DESIGNER,
  deleteMultiCloudImage: Role.DESIGNER,
  createServerTemplate: Role.DESIGNER,
  updateServerTemplate: Role.DESIGNER,
  addServerTemplateMultiCloudImage: Role.DESIGNER,
  removeServerTemplateMultiCloudImage: Role.DESIGNER,
  setDefaultMultiCloudImage: Role.DESIGNER,
  deleteServerTemplate: Role.DESIGNER,
  createDeployment: Role.ACTOR,
  updateDeployment: Role.ACTOR,
  deleteDeployment: Role.ACTOR,
  createServer: Role.ACTOR,
  updateServer: Role.ACTOR,
  deleteServer: Role.ACTOR,
  launchServer: Role.ACTOR,
  terminateServer: Role.ACTOR,
  relaunchServer: Role.ACTOR,
  updateInstance: Role.ACTOR,
  createServerArray: Role.ACTOR,
  updateServerArray: Role.ACTOR,
  deleteServerArray: Role.ACTOR,
  launchServerArrayInstances: Role.ACTOR,
  terminateInstance: Role.ACTOR,
  createUser: Role.ADMIN,
  createApiToken: Role.ADMIN,
  revokeApiToken: Role.ADMIN,
};
