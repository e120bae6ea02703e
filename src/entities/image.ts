import { Field, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { CpuArchitecture, ImageVisibility } from "../domain";
import { Node } from "../graphql/node";

@ObjectType({ implements: Node, description: "A machine image in one cloud, built for one CPU architecture." })
@Entity("image")
export class Image extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "cloud_id" })
  cloudId: string;

  /** Owner of a PRIVATE image; null for PUBLIC ones. */
  @Column("uuid", { name: "account_id", nullable: true })
  accountId: string | null;

  @Field(() => String, { description: "The cloud's own id of the image, such as ami-0f2a9c3e." })
  @Column("varchar", { name: "resource_uid", length: 200 })
  resourceUid: string;

  @Field(() => String, { description: "Display name." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => CpuArchitecture, { description: "The CPU architecture the image is built for." })
  @Column({ name: "cpu_architecture", type: "enum", enum: CpuArchitecture, enumName: "cpu_architecture" })
  cpuArchitecture: CpuArchitecture;

  @Field(() => ImageVisibility, { description: "PUBLIC images are visible to all accounts, PRIVATE ones to their owner only." })
  @Column({ type: "enum", enum: ImageVisibility, enumName: "image_visibility" })
  visibility: ImageVisibility;

  @Field(() => Date, { description: "When the image was registered." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;

  @Field(() => Int, { description: "Increases with every change; pass it as expectedVersion to update safely." })
  @VersionColumn({ type: "int" })
  version: number;
}
