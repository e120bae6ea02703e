import { randomBytes } from "node:crypto";
import { InstanceState } from "../entities/states";

export interface StartInstanceRequest {
  cloudName: string;
  imageResourceUid: string;
  instanceTypeName: string;
  name: string;
}

export interface StartedInstance {
  /** The provider's id of the machine, such as i-0abc123. */
  resourceUid: string;
  state: InstanceState.PENDING | InstanceState.OPERATIONAL;
}

/**
 * What launching needs of a cloud. A real provider (EC2's RunInstances and TerminateInstances, say) implements
 * these two calls; the API calls them inside the mutation's transaction, so a refused or failed start writes
 * nothing. A provider that reports PENDING leaves the instance PENDING until something marks it OPERATIONAL.
 */
export interface CloudProvider {
  startInstance(request: StartInstanceRequest): Promise<StartedInstance>;
  terminateInstance(request: { cloudName: string; resourceUid: string }): Promise<void>;
}

/** The built-in provider: no real cloud, instances are operational at once. */
export class SimulatedCloudProvider implements CloudProvider {
  async startInstance(): Promise<StartedInstance> {
    return { resourceUid: `i-${randomBytes(8).toString("hex")}`, state: InstanceState.OPERATIONAL };
  }

  async terminateInstance(): Promise<void> {}
}
