import { MigrationInterface, QueryRunner } from "typeorm";

/** Users with roles, and their API tokens (stored only as hashes). */
export class UsersAndTokens1764800000000 implements MigrationInterface {
  name = "UsersAndTokens1764800000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE account_role AS ENUM ('OBSERVER', 'ACTOR', 'DESIGNER', 'ADMIN')`);
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        roles account_role[] NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (account_id, name)
      )`);
    await q.query(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL UNIQUE,
        name varchar(200) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3),
        revoked_at timestamptz(3)
      )`);
    await q.query(`CREATE INDEX api_token_user ON api_token(user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_token`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TYPE account_role`);
  }
}
