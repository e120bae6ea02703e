import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Idempotency keys: one row per (account, key) remembers which request the key was first used for and, once it
 * has finished, the response to replay. IN_PROGRESS rows are claims of requests still running (or that died
 * before their response was stored: those stay claimed until they expire, so a retry never runs twice).
 *
 * No foreign key to account: the rows are a cache of responses that expire on their own, and a server that has
 * not been seeded must still accept keyed requests.
 */
export class IdempotencyKeys1764790000000 implements MigrationInterface {
  name = "IdempotencyKeys1764790000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_key (
        account_id uuid NOT NULL,
        key varchar(200) NOT NULL,
        request_hash char(64) NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'IN_PROGRESS',
        response_status_code int,
        response_content_type varchar(200),
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, key),
        CONSTRAINT idempotency_key_status CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
        CONSTRAINT idempotency_key_completed_has_response
          CHECK ((status = 'COMPLETED') = (response_status_code IS NOT NULL AND response_body IS NOT NULL))
      )`);
    // Purging expired rows looks them up by expiry.
    await q.query(`CREATE INDEX idempotency_key_expires_at ON idempotency_key (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
  }
}
