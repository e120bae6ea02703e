import pino, { Logger } from "pino";

export type { Logger };

/**
 * A structured logger: one JSON object per line on stdout. The level comes from the validated config
 * (`LOG_LEVEL`, "info" when unset); tests run with LOG_LEVEL=silent (vitest.config.mts).
 */
export function createLogger(level: string = process.env.LOG_LEVEL?.trim().toLowerCase() || "info"): Logger {
  return pino({ level, base: { service: "image-inheritance-api" } });
}
