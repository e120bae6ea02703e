import { ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "../graphql/node";

@ObjectType({
  implements: Node,
  description: "One cloud's entry in a MultiCloud Image: the image and the default instance type to use there.",
})
@Entity("multi_cloud_image_setting")
export class MultiCloudImageSetting extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "multi_cloud_image_id" })
  multiCloudImageId: string;

  @Column("uuid", { name: "cloud_id" })
  cloudId: string;

  @Column("uuid", { name: "image_id" })
  imageId: string;

  @Column("uuid", { name: "instance_type_id" })
  instanceTypeId: string;
}
