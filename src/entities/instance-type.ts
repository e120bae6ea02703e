import { Field, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import { CpuArchitecture } from "../domain";
import { Node } from "../graphql/node";

@ObjectType({ implements: Node, description: "A machine size in one cloud, such as m1.small, and the architectures it runs." })
@Entity("instance_type")
export class InstanceType extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "cloud_id" })
  cloudId: string;

  @Field(() => String, { description: "The cloud's name for the size, such as m1.large; unique within its cloud." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => [CpuArchitecture], { description: "The CPU architectures an instance of this type can run." })
  @Column({ name: "cpu_architectures", type: "enum", enum: CpuArchitecture, enumName: "cpu_architecture", array: true })
  cpuArchitectures: CpuArchitecture[];

  @Field(() => Date, { description: "When the instance type was registered." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;
}
