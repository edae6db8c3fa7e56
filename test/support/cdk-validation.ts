/**
 * The validation error a construct throws for bad props: aws-cdk-lib's own (`Errors.isValidationError`, its
 * public check), never the CLI's exit-code errors (issue 14).
 */
import { Errors } from "aws-cdk-lib";
import { expect } from "vitest";

/** Runs `make`, expects it to throw aws-cdk-lib's validation error, and returns its message. */
export function cdkValidationMessage(make: () => unknown): string {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error, "a validation error").toBeDefined();
  expect(Errors.isValidationError(error), String(error)).toBe(true);
  return (error as Error).message;
}
