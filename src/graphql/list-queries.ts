import {
  Cloud,
  Deployment,
  Image,
  Instance,
  InstanceType,
  MultiCloudImage,
  Server,
  ServerArray,
  ServerTemplate,
} from "../entities";
import { byName, ListQuery, newestLaunchFirst } from "./lists";

/** The lists the API pages through, each with its stable order. */
export const lists = {
  clouds: { name: "clouds", entity: Cloud, order: byName<Cloud>() },
  images: { name: "images", entity: Image, order: byName<Image>() },
  instanceTypes: { name: "instanceTypes", entity: InstanceType, order: byName<InstanceType>() },
  multiCloudImages: { name: "multiCloudImages", entity: MultiCloudImage, order: byName<MultiCloudImage>() },
  serverTemplates: { name: "serverTemplates", entity: ServerTemplate, order: byName<ServerTemplate>() },
  deployments: { name: "deployments", entity: Deployment, order: byName<Deployment>() },
  servers: { name: "servers", entity: Server, order: byName<Server>() },
  serverArrays: { name: "serverArrays", entity: ServerArray, order: byName<ServerArray>() },
  instances: { name: "instances", entity: Instance, order: newestLaunchFirst<Instance>() },
} satisfies Record<string, ListQuery<any> & { name: string }>;
