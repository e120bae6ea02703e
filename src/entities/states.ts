/** Lifecycle states stored in the database. */

export enum InstanceState {
  PENDING = "PENDING",
  OPERATIONAL = "OPERATIONAL",
  TERMINATING = "TERMINATING",
  TERMINATED = "TERMINATED",
}

/** Derived, never stored: a server is what its current instance is. */
export enum ServerState {
  INACTIVE = "INACTIVE",
  PENDING = "PENDING",
  OPERATIONAL = "OPERATIONAL",
  TERMINATING = "TERMINATING",
}

export enum ServerArrayState {
  ENABLED = "ENABLED",
  DISABLED = "DISABLED",
}
