import { CloudResolver, ImageResolver, InstanceTypeResolver } from "./catalog.resolver";
import { DeploymentResolver } from "./deployment.resolver";
import { InstanceResolver } from "./instance.resolver";
import { MultiCloudImageResolver, MultiCloudImageSettingResolver } from "./multi-cloud-image.resolver";
import { NodeResolver } from "./node.resolver";
import { AuthResolver } from "./auth.resolver";
import { ServerArrayResolver } from "./server-array.resolver";
import { ServerTemplateResolver } from "./server-template.resolver";
import { ServerResolver } from "./server.resolver";
import { ServerMutations } from "./server.mutations";
import { CatalogMutations } from "./catalog.mutations";
import { DesignMutations } from "./design.mutations";
import { DeploymentMutations } from "./deployment.mutations";
import { ServerArrayMutations } from "./server-array.mutations";
import { DeploymentImageSummaryResolver } from "./image-summary.resolver";
import { ImageWhereUsedResolver, MultiCloudImageWhereUsedResolver } from "./where-used.resolver";
import { PreviewResolver } from "./preview.resolver";

export const resolvers = [
  DeploymentImageSummaryResolver,
  ImageWhereUsedResolver,
  MultiCloudImageWhereUsedResolver,
  PreviewResolver,
  NodeResolver,
  AuthResolver,
  CloudResolver,
  ImageResolver,
  InstanceTypeResolver,
  MultiCloudImageResolver,
  MultiCloudImageSettingResolver,
  ServerTemplateResolver,
  DeploymentResolver,
  ServerResolver,
  ServerArrayResolver,
  InstanceResolver,
  ServerMutations,
  CatalogMutations,
  DesignMutations,
  DeploymentMutations,
  ServerArrayMutations,
] as const;
