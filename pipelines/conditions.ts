/**
 * Conditions of a Condition step: comparisons, `In`, `Not`, `Or`. Each renders as the SDK renders it.
 */
import type { JsonObject } from "./definition.js";
import type { Operand } from "./expressions.js";
import { render } from "./variable.js";

/** A condition a {@link ConditionStep} evaluates. */
export interface Condition {
  /** The condition's definition JSON. */
  toJSON(): JsonObject;
}

type ComparisonType = "Equals" | "GreaterThan" | "GreaterThanOrEqualTo" | "LessThan" | "LessThanOrEqualTo";

const comparison =
  (type: ComparisonType) =>
  (left: Operand, right: Operand): Condition => ({
    toJSON: () => ({ Type: type, LeftValue: render(left), RightValue: render(right) }),
  });

/**
 * `left == right`.
 * @example
 * ```ts
 * equalTo(lob, "retail") // {"Type": "Equals", "LeftValue": {"Get": "Parameters.LineOfBusiness"}, "RightValue": "retail"}
 * ```
 */
export const equalTo: (left: Operand, right: Operand) => Condition = comparison("Equals");
/** `left > right`. */
export const greaterThan: (left: Operand, right: Operand) => Condition = comparison("GreaterThan");
/** `left >= right`. */
export const greaterThanOrEqualTo: (left: Operand, right: Operand) => Condition =
  comparison("GreaterThanOrEqualTo");
/** `left < right`. */
export const lessThan: (left: Operand, right: Operand) => Condition = comparison("LessThan");
/** `left <= right`. */
export const lessThanOrEqualTo: (left: Operand, right: Operand) => Condition =
  comparison("LessThanOrEqualTo");

/** `value` is one of `values`. */
export function isIn(value: Operand, values: readonly Operand[]): Condition {
  return { toJSON: () => ({ Type: "In", QueryValue: render(value), Values: values.map((v) => render(v)) }) };
}

/** The negation of a condition. */
export function not(condition: Condition): Condition {
  return { toJSON: () => ({ Type: "Not", Expression: condition.toJSON() }) };
}

/** True when any of the conditions is. */
export function or(...conditions: readonly Condition[]): Condition {
  return { toJSON: () => ({ Type: "Or", Conditions: conditions.map((c) => c.toJSON()) }) };
}
