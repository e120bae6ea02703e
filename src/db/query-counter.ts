import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from "typeorm";

/**
 * Counts the SQL statements the process sends, so tests and the benchmark can show that a query costs a
 * fixed number of statements whatever the number of rows. Logs only warnings and errors.
 */
export class QueryCounter extends AbstractLogger {
  statements = 0;

  override logQuery(_query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.statements += 1;
  }

  protected override writeLog(level: LogLevel, message: LogMessage | LogMessage[]): void {
    if (level !== "warn" && level !== "error") return;
    for (const entry of Array.isArray(message) ? message : [message]) {
      console.error(`[db ${level}]`, entry.message);
    }
  }
}
