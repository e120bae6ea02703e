import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * "A server array never runs more than maxCount instances", held by the database as well as by
 * launchServerArrayInstances, so a bug or a write that bypasses the use case cannot break it.
 *
 * A CHECK constraint cannot count rows, so two triggers raise a check_violation with a named constraint:
 *
 * - `server_array_instances_within_max`: before an instance becomes live in an array (inserted, or updated to a
 *   non-TERMINATED state or into another array), lock the array row (SELECT ... FOR UPDATE) and count its live
 *   instances. The lock makes concurrent launches into one array take turns, and each statement of the
 *   function reads a fresh snapshot (READ COMMITTED), so the count includes what the previous holder of the
 *   lock committed. It runs BEFORE the row is written, so the lock is taken before the foreign key check's
 *   KEY SHARE lock on the same row: two inserts wait for each other instead of deadlocking.
 * - `server_array_max_count_covers_live`: lowering max_count below the live instances is refused; the UPDATE
 *   holds the array row, so it too takes turns with launches.
 */
export class ArrayCapacity1764810000000 implements MigrationInterface {
  name = "ArrayCapacity1764810000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION server_array_instances_within_max() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cap int;
        live int;
      BEGIN
        -- Already live in the same array: this update adds nothing to the count.
        IF TG_OP = 'UPDATE' AND OLD.state <> 'TERMINATED'
           AND OLD.server_array_id IS NOT DISTINCT FROM NEW.server_array_id THEN
          RETURN NEW;
        END IF;
        SELECT max_count INTO cap FROM server_array WHERE id = NEW.server_array_id FOR UPDATE;
        IF NOT FOUND THEN
          RETURN NEW; -- the foreign key reports the missing array
        END IF;
        SELECT count(*) INTO live FROM instance
         WHERE server_array_id = NEW.server_array_id AND state <> 'TERMINATED' AND id <> NEW.id;
        IF live + 1 > cap THEN
          RAISE EXCEPTION 'server array % already runs % of at most % instances', NEW.server_array_id, live, cap
            USING ERRCODE = 'check_violation', CONSTRAINT = 'server_array_instances_within_max',
                  TABLE = 'instance';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER server_array_instances_within_max
        BEFORE INSERT OR UPDATE OF state, server_array_id ON instance
        FOR EACH ROW WHEN (NEW.server_array_id IS NOT NULL AND NEW.state <> 'TERMINATED')
        EXECUTE FUNCTION server_array_instances_within_max()`);

    await q.query(`
      CREATE FUNCTION server_array_max_count_covers_live() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        live int;
      BEGIN
        SELECT count(*) INTO live FROM instance WHERE server_array_id = NEW.id AND state <> 'TERMINATED';
        IF live > NEW.max_count THEN
          RAISE EXCEPTION 'server array % runs % instances, more than a max_count of %', NEW.id, live, NEW.max_count
            USING ERRCODE = 'check_violation', CONSTRAINT = 'server_array_max_count_covers_live',
                  TABLE = 'server_array';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER server_array_max_count_covers_live
        BEFORE UPDATE OF max_count ON server_array
        FOR EACH ROW WHEN (NEW.max_count < OLD.max_count)
        EXECUTE FUNCTION server_array_max_count_covers_live()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER server_array_max_count_covers_live ON server_array`);
    await q.query(`DROP FUNCTION server_array_max_count_covers_live()`);
    await q.query(`DROP TRIGGER server_array_instances_within_max ON instance`);
    await q.query(`DROP FUNCTION server_array_instances_within_max()`);
  }
}
