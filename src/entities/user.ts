import { Field, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Role } from "../auth/roles";
import { Node } from "../graphql/node";

@ObjectType({ implements: Node, description: "A person or a robot of one account, with roles." })
@Entity("app_user")
export class User extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "account_id" })
  accountId: string;

  @Field(() => String, { description: "Name, unique within the account." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => [Role], { description: "What the user may do; every role may read the account." })
  @Column({ type: "enum", enum: Role, enumName: "account_role", array: true })
  roles: Role[];

  @Field(() => Date, { description: "When the user was created." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;
}
