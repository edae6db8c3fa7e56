/** A Boolean pipeline parameter. */
import { Parameter } from "./parameter.js";

/**
 * A Boolean parameter.
 *
 * @example
 * ```ts
 * const useSpot = new ParameterBoolean("UseSpotInstances", { defaultValue: false });
 * ```
 */
export class ParameterBoolean extends Parameter<boolean> {
  readonly type = "Boolean" as const;

  constructor(name: string, options: { readonly defaultValue?: boolean } = {}) {
    super(name, "boolean", options.defaultValue);
  }
}
