/** The GraphQL operations the benchmark sends; bench/baseline.ts answers each with the same JSON from raw SQL. */

/** (a) One server's full detail: stored settings, what runs, and the whole resolution with steps and problems. */
export const SERVER_DETAIL = /* GraphQL */ `
  query ServerDetail($id: ID!) {
    server(id: $id) {
      id
      name
      version
      deployment { id name }
      serverTemplate { id name }
      cloud { id name }
      multiCloudImage { id name }
      image { id resourceUid }
      instanceType { id name }
      state
      currentInstance {
        id
        name
        state
        imageSource
        resourceUid
        launchedAt
        image { id resourceUid cpuArchitecture }
        instanceType { id name }
        multiCloudImage { id name }
        matchesNextLaunch
      }
      imageDrift
      imageResolution {
        image { id resourceUid name cpuArchitecture visibility cloud { id name } }
        instanceType { id name cpuArchitectures cloud { id name } }
        multiCloudImage { id name }
        imageSource
        tested
        launchable
        problems { code severity message }
        steps {
          level
          multiCloudImage { id name }
          image { id resourceUid }
          instanceType { id name }
          decidedMultiCloudImage
          decidedImage
          decidedInstanceType
          summary
        }
      }
    }
  }
`;

/** (b) A deployment dashboard: a page of 100 of its servers with their next launch, what runs and drift. */
export const DEPLOYMENT_DASHBOARD = /* GraphQL */ `
  query DeploymentDashboard($id: ID!, $after: String) {
    deployment(id: $id) {
      id
      name
      servers(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          name
          imageSource
          effectiveImage { id resourceUid cpuArchitecture }
          currentInstance { id state image { id resourceUid } }
          imageDrift
        }
      }
    }
  }
`;

/** (c) One page of the fleet-wide drift listing; the benchmark pages through every server. */
export const FLEET_DRIFT = /* GraphQL */ `
  query FleetDrift($after: String) {
    servers(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        name
        imageDrift
        effectiveImage { resourceUid }
        currentInstance { image { resourceUid } }
      }
    }
  }
`;

/** (d) The image summary of every deployment (up to 100: the fleet has 50). */
export const DEPLOYMENT_SUMMARIES = /* GraphQL */ `
  query DeploymentSummaries {
    deployments(first: 100) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        name
        imageSummary {
          byImageSource { imageSource servers serverArrays }
          total { servers serverArrays }
          untested { servers serverArrays }
          notLaunchable { servers serverArrays }
          runningServers
          driftedServers
          runningArrayInstances
          driftedArrayInstances
        }
      }
    }
  }
`;

/** (e) Toggle a server's MCI selection (an override, or back to inherit). */
export const UPDATE_SERVER = /* GraphQL */ `
  mutation ToggleServerMci($input: UpdateServerInput!) {
    updateServer(input: $input) {
      server { id version multiCloudImage { id } imageSource effectiveImage { resourceUid } imageDrift }
      userErrors { code field message }
    }
  }
`;

/** (e) Relaunch a running server with its next settings. */
export const RELAUNCH_SERVER = /* GraphQL */ `
  mutation RelaunchServer($input: ServerLifecycleInput!) {
    relaunchServer(input: $input) {
      server { id state imageDrift }
      instance { id state image { resourceUid } }
      terminatedInstance { id state }
      userErrors { code field message }
    }
  }
`;

/** Relay global id, as the API gives them out (src/graphql/node.ts). */
export function globalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, "utf8").toString("base64url");
}
