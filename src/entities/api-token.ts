import { Field, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "../graphql/node";

@ObjectType({ implements: Node, description: "An API token of a user. The secret itself is shown once, at creation." })
@Entity("api_token")
export class ApiToken extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "account_id" })
  accountId: string;

  @Column("uuid", { name: "user_id" })
  userId: string;

  /** SHA-256 of the token, hex. The token itself is never stored. */
  @Column("char", { name: "token_hash", length: 64 })
  tokenHash: string;

  @Field(() => String, { description: "What the token is for." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => Date, { description: "When it was created." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: "When it stops working; null: never." })
  @Column({ type: "timestamptz", name: "expires_at", precision: 3, nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When it was revoked; null while it works." })
  @Column({ type: "timestamptz", name: "revoked_at", precision: 3, nullable: true })
  revokedAt: Date | null;
}
