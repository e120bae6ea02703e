import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { ImageSource } from "../domain";
import { Node } from "../graphql/node";
import { InstanceState } from "./states";

@ObjectType({
  implements: Node,
  description:
    "A launched machine. It records, frozen at launch, what it was launched with; it never changes its image.",
})
@Entity("instance")
export class Instance extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "account_id" })
  accountId: string;

  /** Exactly one of serverId and serverArrayId is set. */
  @Column("uuid", { name: "server_id", nullable: true })
  serverId: string | null;

  @Column("uuid", { name: "server_array_id", nullable: true })
  serverArrayId: string | null;

  @Column("uuid", { name: "cloud_id" })
  cloudId: string;

  @Column("uuid", { name: "server_template_id" })
  serverTemplateId: string;

  @Column("uuid", { name: "multi_cloud_image_id" })
  multiCloudImageId: string;

  @Column("uuid", { name: "image_id" })
  imageId: string;

  @Column("uuid", { name: "instance_type_id" })
  instanceTypeId: string;

  @Field(() => String, { description: "Display name, such as the server's name or the array's name and a number." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => ImageSource, { description: "Which level chose the image at launch, frozen." })
  @Column({ name: "image_source", type: "enum", enum: ImageSource, enumName: "image_source" })
  imageSource: ImageSource;

  @Field(() => InstanceState, { description: "Lifecycle state." })
  @Column({ type: "enum", enum: InstanceState, enumName: "instance_state" })
  state: InstanceState;

  @Field(() => String, { description: "The cloud provider's id of the machine." })
  @Column("varchar", { name: "resource_uid", length: 200 })
  resourceUid: string;

  @Field(() => Date, { description: "When it was launched." })
  @Column({ type: "timestamptz", name: "launched_at", precision: 3 })
  launchedAt: Date;

  @Field(() => Date, { nullable: true, description: "When it was terminated; null while it runs." })
  @Column({ type: "timestamptz", name: "terminated_at", precision: 3, nullable: true })
  terminatedAt: Date | null;

  @Field(() => Int, { description: "Increases with every change; pass it as expectedVersion to update safely." })
  @VersionColumn({ type: "int" })
  version: number;
}
