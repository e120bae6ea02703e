import { Account } from "./account";
import { ApiToken } from "./api-token";
import { Cloud } from "./cloud";
import { Deployment } from "./deployment";
import { Image } from "./image";
import { Instance } from "./instance";
import { InstanceType } from "./instance-type";
import { MultiCloudImage } from "./multi-cloud-image";
import { MultiCloudImageSetting } from "./multi-cloud-image-setting";
import { Server } from "./server";
import { ServerArray } from "./server-array";
import { ServerTemplate } from "./server-template";
import { ServerTemplateMultiCloudImage } from "./server-template-multi-cloud-image";
import { User } from "./user";

export {
  Account,
  ApiToken,
  Cloud,
  Deployment,
  Image,
  Instance,
  InstanceType,
  MultiCloudImage,
  MultiCloudImageSetting,
  Server,
  ServerArray,
  ServerTemplate,
  ServerTemplateMultiCloudImage,
  User,
};

/** Every entity, for the data source. */
export const entities = [
  Account,
  ApiToken,
  Cloud,
  Deployment,
  Image,
  Instance,
  InstanceType,
  MultiCloudImage,
  MultiCloudImageSetting,
  Server,
  ServerArray,
  ServerTemplate,
  ServerTemplateMultiCloudImage,
  User,
];
