import { Role } from "./roles";

/** Who makes a request: a user of one account, with the roles of that user. */
export interface Viewer {
  accountId: string;
  userId: string;
  roles: readonly Role[];
}

export function hasRole(viewer: Viewer, role: Role): boolean {
  return viewer.roles.includes(role);
}
